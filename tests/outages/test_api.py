"""The JSON API during Conductor outages: its documented error (503 CONDUCTOR_UNAVAILABLE with
Retry-After), or Conductor's own words for a refusal (502); never a 500."""

import time

import pytest

from conductor_django.sandbox import control

from .test_pages import ANSWERED, FAULTS, HEALTH_CHECK, fail, short_timeouts  # noqa: F401

pytest.importorskip("rest_framework")
API = "/api/quickbooks"
# Conductor's own error envelope for a 5xx is relayed as a refusal or as unavailable; both are
# documented API errors with a user-facing message.
DOCUMENTED = {502, 503}


def _documented_error(response):
    assert response.status_code in DOCUMENTED, response.content
    error = response.json()["error"]
    assert error["code"] and error["userFacingMessage"]
    if response.status_code == 503:
        assert error["code"] == "CONDUCTOR_UNAVAILABLE"
        assert response["Retry-After"]
    return error


def _followed(api, asked, timeout=30):
    """A health check asked (202): follow its Location, as a client does, until it answers."""
    assert asked.status_code == 202, asked.content
    deadline = time.monotonic() + timeout
    while True:
        response = api.get(asked["Location"])
        if response.status_code != 200 or not response.json()["checking"]:
            return response
        assert time.monotonic() < deadline, "the check never answered"
        time.sleep(0.1)


@pytest.fixture
def api(client, owner):
    client.force_login(owner)
    return client


@pytest.mark.parametrize("kind", FAULTS)
def test_status_refresh_during_an_outage(kind, api, caplog, secrets_absent):
    fail(kind, "GET", HEALTH_CHECK)

    error = _documented_error(_followed(api, api.get(f"{API}/status/?refresh=1")))

    if kind in ANSWERED and error["requestId"]:
        assert error["requestId"] in caplog.text


@pytest.mark.parametrize("kind", FAULTS)
def test_health_check_during_an_outage(kind, api, secrets_absent):
    fail(kind, "GET", HEALTH_CHECK)

    _documented_error(_followed(api, api.post(f"{API}/health-check/")))


def test_recorded_status_needs_no_conductor(api):
    control.set_faults(fault_rate=1.0, fault_kinds=["http_503"])

    response = api.get(f"{API}/status/")

    assert response.status_code == 200


@pytest.mark.parametrize("kind", FAULTS)
def test_auth_session_during_an_outage(kind, api, secrets_absent):
    fail(kind, "POST", "/auth-sessions")

    _documented_error(api.post(f"{API}/auth-session/", {}, content_type="application/json"))


@pytest.mark.parametrize("kind", FAULTS)
def test_disconnect_during_an_outage(kind, api, owner, secrets_absent):
    fail(kind, "DELETE", "/end-users/*")

    _documented_error(api.post(f"{API}/disconnect/"))

    owner.refresh_from_db()
    assert owner.conductor_end_user_id
