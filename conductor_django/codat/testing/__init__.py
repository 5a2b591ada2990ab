"""Testing helpers for host apps: a fake Codat on ``responses``, and a pytest fixture.

    from conductor_django.codat.testing import FakeCodat

    def test_connections_page_shows_linked(client, user):
        with FakeCodat() as codat:
            company = codat.add_company("user-42", tags={"ownerId": "42"})
            connection = codat.add_connection(company["id"], "gbol")
            codat.link(connection["id"])
            ...

With pytest, add ``pytest_plugins = ["conductor_django.codat.testing.fixtures"]`` to a conftest
and use the ``fake_codat`` fixture. Needs ``responses`` (the ``testing`` extra).
"""

from .fake import FakeCodat

__all__ = ["FakeCodat"]
