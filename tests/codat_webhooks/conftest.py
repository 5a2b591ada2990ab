"""A configured Codat host (key, base URL, webhook secret) with FakeCodat answering, and what
the status signals said."""

from collections.abc import Iterator

import pytest

from conductor_django.codat import signals
from conductor_django.codat.testing import FakeCodat


@pytest.fixture(autouse=True)
def codat_settings(configured_codat):
    return configured_codat


@pytest.fixture
def codat(codat_settings, fake_conductor) -> Iterator[FakeCodat]:
    with FakeCodat() as fake:
        yield fake


@pytest.fixture
def owner(codat, django_user_model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = django_user_model.objects.create_user(
            "alice", "alice@example.com", "pw", company_name="Alice's Bakery"
        )
    user.refresh_from_db()
    assert user.codat_company_id
    return user


@pytest.fixture
def heard():
    """(old_status, new_status, provider) of each connection_status_changed, in order."""
    found = []

    def changed(sender, **kwargs):
        found.append((kwargs["old_status"], kwargs["new_status"], kwargs["provider"]))

    signals.connection_status_changed.connect(changed, weak=False)
    yield found
    signals.connection_status_changed.disconnect(changed)


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Deliver like Codat, running what the commit queues (the immediate task backend)."""
    from .support import deliver

    def send(body, **signing):
        with django_capture_on_commit_callbacks(execute=True):
            return deliver(client, body, **signing)

    return send
