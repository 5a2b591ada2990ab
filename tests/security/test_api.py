"""The JSON API: CSRF on every state change, no open redirect through redirectUrl, and each user
reaching only their own connection."""

import pytest
from django.test import Client

from .test_open_redirects import PAYLOADS

pytest.importorskip("rest_framework")
API = "/api/quickbooks"
UNSAFE = [
    ("post", "health-check/"),
    ("post", "auth-session/"),
    ("post", "disconnect/"),
    ("delete", "disconnect/"),
]


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("method", "route"), UNSAFE)
def test_unsafe_requests_need_the_csrf_token(user, fake_conductor, method, route):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    calls = len(fake_conductor.calls)

    response = getattr(client, method)(f"{API}/{route}", {}, content_type="application/json")

    assert response.status_code == 403
    assert len(fake_conductor.calls) == calls
    user.refresh_from_db()
    assert user.conductor_end_user_id


def test_with_the_csrf_token_the_request_goes_through(user, fake_conductor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    # Any page with a form hands the browser its CSRF cookie.
    client.get("/log-in/")
    token = client.cookies["csrftoken"].value

    response = client.post(f"{API}/health-check/", headers={"X-CSRFToken": token})

    assert response.status_code == 202


@pytest.mark.parametrize("route", ["status/", "health-check/", "auth-session/", "disconnect/"])
def test_anonymous_requests_are_refused(client, fake_conductor, route):
    response = client.post(f"{API}/{route}") if route != "status/" else client.get(f"{API}/{route}")

    assert response.status_code in (401, 403)
    assert fake_conductor.calls == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_redirect_url_elsewhere_is_refused(api, fake_conductor, payload):
    response = api.post(
        f"{API}/auth-session/", {"redirectUrl": payload}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("INVALID_REDIRECT_URL", "INVALID_REQUEST")
    assert fake_conductor.auth_sessions == []


def test_a_local_redirect_url_is_accepted(api, fake_conductor):
    response = api.post(
        f"{API}/auth-session/", {"redirectUrl": "/after/"}, content_type="application/json"
    )

    assert response.status_code == 201
    assert fake_conductor.auth_sessions[-1]["redirectUrl"] == "http://testserver/after/"


def test_each_user_gets_only_their_own_status_and_auth_session(
    api, user, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bob = django_user_model.objects.create_user("bob", "bob@example.com", "pw")
    bob.refresh_from_db()
    fake_conductor.set_scenario(user, "connected")
    bob_client = Client()
    bob_client.force_login(bob)
    query = f"?refresh=1&endUserId={user.conductor_end_user_id}&owner={user.pk}"

    alice = api.get(f"{API}/status/{query}").json()
    bob_status = bob_client.get(f"{API}/status/{query}").json()
    bob_session = bob_client.post(
        f"{API}/auth-session/",
        {"endUserId": user.conductor_end_user_id},
        content_type="application/json",
    )

    assert alice["status"] == "connected"
    assert bob_status["status"] == "not_set_up"
    if bob_session.status_code == 201:
        assert fake_conductor.auth_sessions[-1]["endUserId"] == bob.conductor_end_user_id
    else:
        assert bob_session.status_code == 400
        assert fake_conductor.auth_sessions == []
