"""Every failure answers {"error": {"code", "userFacingMessage", "requestId"}}, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conductor_django.client.catalog import GENERIC_USER_MESSAGE
from conductor_django.models import EndUserClaim
from conductor_django.owners import owner_reference
from conductor_django.provisioning import provisioning_disabled

from .conftest import url
from .openapi import assert_documented

pytestmark = pytest.mark.django_db
CALLS = [
    ("get", "status", {"refresh": "1"}, "/status/"),
    ("post", "health-check", {}, "/health-check/"),
    ("post", "auth-session", {}, "/auth-session/"),
    ("post", "disconnect", {}, "/disconnect/"),
]


def call(api, method, name, data):
    """The call, and for one that asks for a health check (answered 202 at once), the answer
    of following it: what a client of the API ends up with."""
    if method == "get":
        response = api.get(url(name), data)
    else:
        response = api.post(url(name), data, content_type="application/json")
    if name in ("status", "health-check") and response.status_code == 202:
        assert_documented(response, f"/{name}/", method)
        return api.get(response["Location"])
    return response


def path_of(name, path):
    # A check's failure is the answer of following it, on GET status/.
    return ("/status/", "get") if name in ("status", "health-check") else (path, "post")


@pytest.mark.parametrize("outage", [503, 500, 429, "network", "html"])
@pytest.mark.parametrize(("method", "name", "data", "path"), CALLS)
def test_conductor_unreachable_is_a_503_with_a_neutral_message(
    api, fake_conductor, outage, method, name, data, path
):
    fake_conductor.outage(outage)
    response = call(api, method, name, data)
    assert response.status_code == 503
    assert_documented(response, *path_of(name, path))
    error = response.json()["error"]
    assert error["code"] == "CONDUCTOR_UNAVAILABLE"
    assert error["userFacingMessage"] == (
        "We could not reach QuickBooks right now. Please try again in a few minutes."
    )
    assert int(response.headers["Retry-After"]) > 0


def test_request_id_of_a_conductor_outage_is_passed_on(api, fake_conductor):
    fake_conductor.outage(503)
    error = call(api, "post", "health-check", {}).json()["error"]
    assert error["requestId"].startswith("req_")


def test_network_failure_has_no_request_id(api, fake_conductor):
    fake_conductor.outage("network")
    assert call(api, "post", "health-check", {}).json()["error"]["requestId"] is None


@pytest.mark.parametrize(("method", "name", "data", "path"), CALLS)
def test_conductor_refusing_our_key_is_a_502_with_its_code(
    api, fake_conductor, method, name, data, path
):
    # The key was revoked in Conductor's dashboard.
    fake_conductor.outage(401)
    response = call(api, method, name, data)
    assert response.status_code == 502
    assert_documented(response, *path_of(name, path))
    error = response.json()["error"]
    assert error["code"] == "API_KEY_INVALID"
    assert error["userFacingMessage"] == GENERIC_USER_MESSAGE
    assert error["requestId"].startswith("req_")


def test_end_user_missing_at_conductor_is_replaced_not_an_error(api, user, fake_conductor):
    gone = user.conductor_end_user_id
    del fake_conductor.end_users[gone]
    response = call(api, "post", "health-check", {})
    assert response.status_code == 200
    user.refresh_from_db()
    assert list(fake_conductor.end_users) == [user.conductor_end_user_id] != [gone]
    assert response.json()["status"] == "not_set_up"


@pytest.mark.parametrize(("method", "name", "data", "path"), CALLS[:3])
def test_end_user_being_created_elsewhere_is_a_503_of_its_own(
    client, django_user_model, fake_conductor, method, name, data, path
):
    with provisioning_disabled():
        carol = django_user_model.objects.create_user("carol", "carol@example.com", "pw")
    # Another worker holds the lease on creating Carol's end-user right now.
    EndUserClaim.objects.create(
        **owner_reference(carol), lease_expires_at=timezone.now() + timedelta(minutes=1)
    )
    client.force_login(carol)
    response = call(client, method, name, data)
    assert response.status_code == 503
    assert_documented(response, path, method)
    assert response.json()["error"]["code"] == "PROVISIONING_IN_PROGRESS"
    assert fake_conductor.count("POST", "/end-users") == 0
