"""Every `next` the app follows is checked: hostile values fall back to the default page."""

import pytest

DEFAULT = "/quickbooks/"

# Each decodes (once, as Django decodes a query string or form) to something a browser would
# take off-site or run.
PAYLOADS = [
    "//evil.com",
    "///evil.com",
    "////evil.com/",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/\\/evil.com",
    "\\/\\/evil.com/",
    "https://evil.com",
    "http://evil.com/path",
    "HTTPS://EVIL.COM",
    "http:evil.com",
    "https:/evil.com",
    "http:///evil.com",
    "ftp://evil.com",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.com",
    "\t//evil.com",
    "/\t/evil.com",
    "//evil.com@testserver",
    "https://testserver@evil.com",
    "https://testserver.evil.com/",
    "//testserver:pw@evil.com",
    "\x00//evil.com",
    "//%65vil.com",
]
# Sent as raw query strings: percent-encoded forms that decode to a hostile value.
ENCODED = ["%2F%2Fevil.com", "%2F%5Cevil.com", "%5C%5Cevil.com", "javascript%3Aalert(1)"]


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def _callback_destination(client, connect_flow, fake_conductor, user, query):
    callback = connect_flow(query)
    fake_conductor.set_scenario(user, "connected")
    response = client.get(callback)
    assert response.status_code == 302
    return response["Location"]


def test_a_local_next_is_followed(logged_in, connect_flow, fake_conductor, user):
    location = _callback_destination(
        logged_in, connect_flow, fake_conductor, user, "?next=/dashboard/?tab=billing"
    )

    assert location == "/dashboard/?tab=billing"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_settings_next_carried_through_the_callback(
    logged_in, connect_flow, fake_conductor, user, payload
):
    from django.utils.http import urlencode

    query = "?" + urlencode({"next": payload})

    assert _callback_destination(logged_in, connect_flow, fake_conductor, user, query) == DEFAULT


@pytest.mark.parametrize("payload", ENCODED)
def test_settings_next_percent_encoded(logged_in, connect_flow, fake_conductor, user, payload):
    location = _callback_destination(
        logged_in, connect_flow, fake_conductor, user, f"?next={payload}"
    )

    assert location == DEFAULT


def test_a_local_next_after_disconnect_is_followed(logged_in, fake_conductor):
    response = logged_in.post("/quickbooks/disconnect/", {"next": "/dashboard/"})

    assert response["Location"] == "/dashboard/"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_disconnect_next(logged_in, fake_conductor, payload):
    response = logged_in.post("/quickbooks/disconnect/", {"next": payload})

    assert response.status_code == 302
    assert response["Location"] == DEFAULT


@pytest.mark.parametrize("payload", ENCODED)
def test_disconnect_next_percent_encoded(logged_in, fake_conductor, payload):
    response = logged_in.post(
        "/quickbooks/disconnect/",
        f"next={payload}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response["Location"] == DEFAULT


def test_an_https_site_does_not_send_users_to_plain_http_of_itself(
    logged_in, fake_conductor, settings
):
    response = logged_in.post(
        "/quickbooks/disconnect/", {"next": "http://testserver/dashboard/"}, secure=True
    )

    assert response["Location"] == DEFAULT
