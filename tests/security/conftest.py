from urllib.parse import urlsplit

import pytest


@pytest.fixture
def connect_flow(client, fake_conductor):
    """Open the settings page as a user who has not connected: returns the callback URL (path
    and query) Conductor would send the browser back to."""

    def start(query=""):
        response = client.get(f"/quickbooks/{query}")
        assert response.status_code == 302, response.content
        redirect = urlsplit(fake_conductor.auth_sessions[-1]["redirectUrl"])
        return f"{redirect.path}?{redirect.query}"

    return start
