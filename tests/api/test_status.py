import pytest

from conductor_django.client.catalog import NOT_ACTIVE_USER_MESSAGE, PERMISSION_DENIED_USER_MESSAGE
from conductor_django.connection import check

from .conftest import url
from .openapi import assert_documented

pytestmark = pytest.mark.django_db
HEALTH_CHECK = "/quickbooks-desktop/health-check"


def test_status_of_a_never_checked_account_is_unknown_without_calling_conductor(
    api, fake_conductor
):
    calls = len(fake_conductor.calls)
    response = api.get(url("status"))
    assert response.status_code == 200
    assert response.json()["status"] == "unknown"
    assert response.json()["checkedAt"] is None
    assert response.json()["canManage"] is True
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


def test_refresh_runs_a_health_check(api, user, fake_conductor):
    fake_conductor.set_scenario(user, "not_active")
    response = api.get(url("status"), {"refresh": "1"})
    assert fake_conductor.count("GET", HEALTH_CHECK) == 1
    body = response.json()
    assert body["status"] == "error"
    assert body["errorCode"] == "INTEGRATION_CONNECTION_NOT_ACTIVE"
    assert body["userFacingMessage"] == NOT_ACTIVE_USER_MESSAGE
    assert body["requestId"].startswith("req_")
    assert_documented(response, "/status/", "get")


def test_health_check_records_and_returns_the_new_status(api, user, fake_conductor):
    fake_conductor.set_scenario(user, "permission_denied")
    response = api.post(url("health-check"))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["errorCode"], body["integrationCode"]) == (
        "error",
        "QBD_CONNECTION_ERROR",
        "0x80040420",
    )
    assert body["userFacingMessage"] == PERMISSION_DENIED_USER_MESSAGE
    assert_documented(response, "/health-check/", "post")
    # Recorded: a plain read now gives the same answer.
    assert api.get(url("status")).json()["errorCode"] == "QBD_CONNECTION_ERROR"


def test_health_check_of_a_connection_never_set_up(api, user, fake_conductor):
    body = api.post(url("health-check")).json()
    assert body["status"] == "not_set_up"
    assert body["errorCode"] == "INTEGRATION_CONNECTION_NOT_SET_UP"


def test_health_check_is_a_post(api):
    response = api.get(url("health-check"))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
