"""Testing helpers for host apps: a fake Conductor on ``responses``, and pytest fixtures.

    from conductor_django.testing import FakeConductor

    def test_settings_page_shows_connected(client, user):
        with FakeConductor() as conductor:
            conductor.set_scenario(user, "connected")
            client.force_login(user)
            assert b"Connected" in client.get("/quickbooks/").content

With pytest, add ``pytest_plugins = ["conductor_django.testing.fixtures"]`` to a conftest and
use the ``fake_conductor`` fixture. Needs ``responses`` (the ``testing`` extra).
"""

from .fake import SCENARIOS, FakeConductor, OutageKind, ScenarioName

__all__ = ["SCENARIOS", "FakeConductor", "OutageKind", "ScenarioName"]
