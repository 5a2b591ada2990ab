import pytest
from django.core.cache import cache

from conductor_django.client.catalog import NOT_ACTIVE_USER_MESSAGE, PERMISSION_DENIED_USER_MESSAGE
from conductor_django.connection import check

from .conftest import url
from .openapi import assert_documented

pytestmark = pytest.mark.django_db
HEALTH_CHECK = "/quickbooks-desktop/health-check"
DUMMY_BACKEND = "django_tasks.backends.dummy.DummyBackend"


def test_status_of_a_never_checked_account_is_unknown_without_calling_conductor(
    api, fake_conductor
):
    calls = len(fake_conductor.calls)
    response = api.get(url("status"))
    assert response.status_code == 200
    assert response.json()["status"] == "unknown"
    assert response.json()["checkedAt"] is None
    assert response.json()["canManage"] is True
    assert response.json()["checking"] is False
    assert len(fake_conductor.calls) == calls
    assert_documented(response, "/status/", "get")


def test_status_reads_the_recorded_check_without_calling_conductor(api, user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    check(user)
    # QuickBooks went away since; the recorded answer stays until someone refreshes.
    fake_conductor.set_scenario(user, "not_active")
    checks = fake_conductor.count("GET", HEALTH_CHECK)
    body = api.get(url("status")).json()
    assert body["status"] == "connected"
    assert body["checkedAt"] and body["firstConnectedAt"]
    assert body["errorCode"] is None and body["userFacingMessage"] is None
    assert fake_conductor.count("GET", HEALTH_CHECK) == checks


def test_refresh_asks_for_a_health_check_and_answers_202_with_where_to_follow_it(
    api, user, fake_conductor
):
    fake_conductor.set_scenario(user, "not_active")
    response = api.get(url("status"), {"refresh": "1"})
    assert response.status_code == 202
    assert_documented(response, "/status/", "get")
    assert fake_conductor.count("GET", HEALTH_CHECK) == 1
    followed = api.get(response["Location"])
    assert followed.status_code == 200
    body = followed.json()
    assert body["status"] == "error"
    assert body["checking"] is False
    assert body["errorCode"] == "INTEGRATION_CONNECTION_NOT_ACTIVE"
    assert body["userFacingMessage"] == NOT_ACTIVE_USER_MESSAGE
    assert body["requestId"].startswith("req_")
    assert_documented(followed, "/status/", "get")


def test_health_check_records_and_returns_the_new_status(api, user, fake_conductor):
    fake_conductor.set_scenario(user, "permission_denied")
    response = api.post(url("health-check"))
    assert response.status_code == 202
    assert response["Location"].startswith(f"http://testserver{url('status')}?since=")
    assert_documented(response, "/health-check/", "post")
    body = api.get(response["Location"]).json()
    assert (body["status"], body["errorCode"], body["integrationCode"]) == (
        "error",
        "QBD_CONNECTION_ERROR",
        "0x80040420",
    )
    assert body["userFacingMessage"] == PERMISSION_DENIED_USER_MESSAGE
    # Recorded: a plain read now gives the same answer.
    assert api.get(url("status")).json()["errorCode"] == "QBD_CONNECTION_ERROR"


def test_a_running_check_is_followed_without_waiting_or_asking_conductor_again(
    api, user, fake_conductor, settings
):
    fake_conductor.set_scenario(user, "connected")
    # A worker, not the immediate backend: nothing runs the check during this test.
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    response = api.post(url("health-check"))
    assert response.status_code == 202
    assert response.json()["checking"] is True
    assert int(response["Retry-After"]) >= 1
    again = api.post(url("health-check"))
    assert again.status_code == 202
    followed = api.get(response["Location"])
    assert followed.status_code == 200
    assert followed.json()["checking"] is True
    assert api.get(url("status")).json()["checking"] is True
    assert fake_conductor.count("GET", HEALTH_CHECK) == 0
    assert_documented(followed, "/status/", "get")


def test_a_check_that_never_finishes_is_a_503_to_retry(api, user, fake_conductor, settings):
    settings.TASKS = {"default": {"BACKEND": DUMMY_BACKEND}}
    location = api.post(url("health-check"))["Location"]
    # The check's time is up (its marker expired) and no answer was recorded.
    cache.clear()
    followed = api.get(location)
    assert followed.status_code == 503
    assert followed.json()["error"]["code"] == "CONDUCTOR_UNAVAILABLE"
    assert int(followed["Retry-After"]) > 0
    assert_documented(followed, "/status/", "get")


def test_following_needs_a_moment(api):
    response = api.get(url("status"), {"since": "yesterday"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_REQUEST"


def test_health_check_of_a_connection_never_set_up(api, user, fake_conductor):
    body = api.get(api.post(url("health-check"))["Location"]).json()
    assert body["status"] == "not_set_up"
    assert body["errorCode"] == "INTEGRATION_CONNECTION_NOT_SET_UP"


def test_health_check_is_a_post(api):
    response = api.get(url("health-check"))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
