import pytest
from django.test import Client

from conductor_django.connection import check

from .conftest import url

pytestmark = pytest.mark.django_db
ROUTES = [
    ("get", "status"),
    ("post", "health-check"),
    ("post", "auth-session"),
    ("post", "disconnect"),
    ("delete", "disconnect"),
]


@pytest.mark.parametrize(("method", "name"), ROUTES)
def test_every_route_needs_a_logged_in_user(client, fake_conductor, method, name):
    response = getattr(client, method)(url(name))
    # Session authentication answers 403 (it has no WWW-Authenticate challenge), Basic 401.
    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert error["code"] == "NOT_AUTHENTICATED"
    assert error["userFacingMessage"]
    assert fake_conductor.calls == []


def test_basic_authentication_failure_is_a_401_in_the_error_shape(client, user):
    response = client.get(url("status"), HTTP_AUTHORIZATION="Basic YWxpY2U6d3Jvbmc=")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED"


def test_each_user_reaches_only_their_own_end_user(
    user, django_user_model, fake_conductor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bob = django_user_model.objects.create_user("bob", "bob@example.com", "pw")
    bob.refresh_from_db()
    fake_conductor.set_scenario(user, "connected")
    check(user)

    bob_client = Client()
    bob_client.force_login(bob)
    # Nothing in the API names an end-user: parameters naming Alice's are ignored.
    status = bob_client.get(url("status"), {"end_user_id": user.conductor_end_user_id}).json()
    assert status["status"] == "unknown"
    bob_client.post(
        url("health-check"),
        {"endUserId": user.conductor_end_user_id},
        content_type="application/json",
    )
    checked = [
        call.request.headers["Conductor-End-User-Id"]
        for call in fake_conductor.mock.calls
        if call.request.url.endswith("/health-check")
    ]
    assert checked[-1] == bob.conductor_end_user_id
    assert bob_client.post(url("disconnect")).json() == {"disconnected": True}
    user.refresh_from_db()
    assert user.conductor_end_user_id in fake_conductor.end_users
    assert bob.conductor_end_user_id not in fake_conductor.end_users


def test_session_posts_need_the_csrf_token(user, fake_conductor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(url("auth-session"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert fake_conductor.auth_sessions == []
