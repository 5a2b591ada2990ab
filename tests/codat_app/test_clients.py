"""The shared Codat client follows the ``CODAT`` settings, as Conductor's does."""

from conductor_django.codat.clients import get_client


def test_shared_client_follows_settings(codat_settings):
    first = get_client()
    assert get_client() is first

    codat_settings.update(
        {"API_BASE_URL": "https://other.codat.test", "CONNECT_TIMEOUT": 2, "READ_TIMEOUT": 11}
    )
    changed = get_client()

    assert changed is not first
    assert changed.transport.base_url == "https://other.codat.test"
    assert (changed.transport.connect_timeout, changed.transport.read_timeout) == (2.0, 11.0)
    assert get_client() is changed
