"""Health check answers per connection scenario."""

import time

import pytest

from conductor_django.client.catalog import PERMISSION_DENIED_USER_MESSAGE
from conductor_django.sandbox import control

from .conftest import assert_error

pytestmark = pytest.mark.urls("tests.sandbox.urls")


@pytest.fixture
def user(api):
    return api.create_end_user()


def test_missing_end_user_header_is_400_naming_the_header(api):
    response = api.get("/quickbooks-desktop/health-check")
    error = assert_error(response, 400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR")
    assert "Conductor-End-User-Id" in error["message"]


def test_unknown_end_user_header_is_404(api):
    error = assert_error(
        api.health_check("end_usr_unknown"), 404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR"
    )
    assert "end_usr_unknown" in error["message"]


def test_never_started_flow_is_409_not_set_up(api, user):
    error = assert_error(
        api.health_check(user["id"]),
        409,
        "INTEGRATION_CONNECTION_NOT_SET_UP",
        "INTEGRATION_CONNECTION_ERROR",
    )
    assert "finish setting up" in error["userFacingMessage"]
    assert "integrationCode" not in error


def test_started_but_unfinished_flow_shows_a_connection_yet_stays_409(
    api, client, user, publishable_key
):
    session = api.create_auth_session(user["id"], publishable_key)
    client.get(session["authFlowUrl"])
    connections = api.get(f"/end-users/{user['id']}").json()["integrationConnections"]
    assert len(connections) == 1
    connection = connections[0]
    assert connection["id"].startswith("int_conn_")
    assert connection["objectType"] == "integration_connection"
    assert connection["integrationSlug"] == "quickbooks_desktop"
    assert connection["lastRequestAt"] is None
    assert connection["lastSuccessfulRequestAt"] is None
    assert_error(
        api.health_check(user["id"]),
        409,
        "INTEGRATION_CONNECTION_NOT_SET_UP",
        "INTEGRATION_CONNECTION_ERROR",
    )


def test_connected_health_check_is_ok_and_moves_request_timestamps(api, user):
    control.set_scenario(user["id"], "connected")
    response = api.health_check(user["id"])
    assert response.status_code == 200
    assert response["Conductor-Request-Id"].startswith("req_")
    body = response.json()
    assert body["status"] == "ok"
    assert isinstance(body["duration"], int)
    connection = api.get(f"/end-users/{user['id']}").json()["integrationConnections"][0]
    assert connection["lastRequestAt"] is not None
    assert connection["lastSuccessfulRequestAt"] == connection["lastRequestAt"]


def test_failing_health_check_moves_only_last_request_at(api, user):
    control.set_scenario(user["id"], "connected")
    api.health_check(user["id"])
    ok_at = api.get(f"/end-users/{user['id']}").json()["integrationConnections"][0]
    time.sleep(0.002)
    control.set_scenario(user["id"], "not_active")
    api.health_check(user["id"])
    after = api.get(f"/end-users/{user['id']}").json()["integrationConnections"][0]
    assert after["lastSuccessfulRequestAt"] == ok_at["lastSuccessfulRequestAt"]
    assert after["lastRequestAt"] > ok_at["lastRequestAt"]


def test_qbd_not_running(api, user):
    control.set_scenario(user["id"], "qbd_not_running")
    error = assert_error(
        api.health_check(user["id"]), 502, "QBD_CONNECTION_ERROR", "INTEGRATION_CONNECTION_ERROR"
    )
    assert error["integrationCode"] == "0x80040408"
    assert "open QuickBooks Desktop" in error["userFacingMessage"]


def test_not_active(api, user):
    control.set_scenario(user["id"], "not_active")
    error = assert_error(
        api.health_check(user["id"]),
        502,
        "INTEGRATION_CONNECTION_NOT_ACTIVE",
        "INTEGRATION_CONNECTION_ERROR",
    )
    message = error["userFacingMessage"]
    assert "turned on" in message
    assert "File > App Management > Update Web Services" in message
    assert "Auto-Run" in message


def test_permission_denied(api, user):
    control.set_scenario(user["id"], "permission_denied")
    error = assert_error(
        api.health_check(user["id"]), 502, "QBD_CONNECTION_ERROR", "INTEGRATION_CONNECTION_ERROR"
    )
    assert error["integrationCode"] == "0x80040420"
    assert error["userFacingMessage"] == PERMISSION_DENIED_USER_MESSAGE
    for step in (
        "Admin",
        "Edit > Preferences > Integrated Applications > Company Preferences",
        "Properties",
        '"Allow this application to log in automatically"',
        "OK",
    ):
        assert step in error["userFacingMessage"]


def test_slow_waits_then_answers_ok_with_the_duration(api, user):
    control.set_scenario(user["id"], "slow", delay_seconds=0.3)
    started = time.monotonic()
    response = api.health_check(user["id"])
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["duration"] >= 300


def test_scenario_can_be_switched_back_to_not_set_up(api, user):
    control.set_scenario(user["id"], "connected")
    assert api.health_check(user["id"]).status_code == 200
    control.set_scenario(user["id"], "not_set_up")
    assert api.health_check(user["id"]).status_code == 409
    assert control.scenario(user["id"]) == "not_set_up"


def test_set_scenario_rejects_unknown_values(user):
    with pytest.raises(ValueError):
        control.set_scenario(user["id"], "on_fire")
    with pytest.raises(LookupError):
        control.set_scenario("end_usr_missing", "connected")
