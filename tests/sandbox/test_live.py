"""Over real HTTP: the official SDK works unmodified against the sandbox, and dropped connections
reach the client as connection errors."""

import time

import conductor
import pytest
import requests

from conductor_django.sandbox import control

pytestmark = [pytest.mark.live, pytest.mark.urls("tests.sandbox.urls")]


@pytest.fixture
def base_url(live_server, transactional_db):
    return live_server.url + "/sandbox/v1"


@pytest.fixture
def sdk(base_url, secret_key):
    # Closed at teardown: a kept-alive connection outliving the live server makes its thread
    # close a database connection it no longer shares.
    with conductor.Conductor(api_key=secret_key, base_url=base_url, max_retries=0) as client:
        yield client


@pytest.fixture
def http(secret_key):
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {secret_key}"
        yield session


def test_conductor_py_end_to_end(sdk, live_server, publishable_key):
    user = sdk.end_users.create(company_name="Acme Ltd", source_id="u-1", email="a@acme.test")
    assert user.id.startswith("end_usr_")
    assert user.integration_connections == []

    assert sdk.end_users.retrieve(user.id).company_name == "Acme Ltd"
    assert [u.id for u in sdk.end_users.list().data] == [user.id]

    with pytest.raises(conductor.ConflictError) as not_set_up:
        sdk.qbd.health_check(conductor_end_user_id=user.id)
    error = not_set_up.value.body["error"]
    assert error["code"] == "INTEGRATION_CONNECTION_NOT_SET_UP"
    assert not_set_up.value.response.headers["Conductor-Request-Id"] == error["requestId"]

    session = sdk.auth_sessions.create(
        publishable_key=publishable_key,
        end_user_id=user.id,
        link_expiry_mins=60,
        redirect_url="https://app.example.com/back",
    )
    assert session.client_secret.startswith("auth_sess_client_secret_")
    assert session.auth_flow_url == (
        f"{live_server.url}/sandbox/qbd/{session.client_secret}?key={publishable_key}"
    )
    assert session.redirect_url == "https://app.example.com/back"

    control.complete_auth_flow(session.client_secret)
    health = sdk.qbd.health_check(conductor_end_user_id=user.id)
    assert health.status == "ok"
    assert isinstance(health.duration, int | float)
    connection = sdk.end_users.retrieve(user.id).integration_connections[0]
    assert connection.integration_slug == "quickbooks_desktop"
    assert connection.last_successful_request_at is not None

    deleted = sdk.end_users.delete(user.id)
    assert (deleted.id, deleted.deleted) == (user.id, True)
    with pytest.raises(conductor.NotFoundError):
        sdk.end_users.retrieve(user.id)


def test_conductor_py_sees_scenario_errors_and_bad_keys(sdk, base_url):
    user = sdk.end_users.create(company_name="Acme", source_id="u", email="a@acme.test")
    control.set_scenario(user.id, "permission_denied")
    with pytest.raises(conductor.InternalServerError) as denied:
        sdk.qbd.health_check(conductor_end_user_id=user.id)
    assert denied.value.status_code == 502
    assert denied.value.body["error"]["integrationCode"] == "0x80040420"

    with conductor.Conductor(api_key="sk_conductor_nope", base_url=base_url, max_retries=0) as bad:
        with pytest.raises(conductor.AuthenticationError):
            bad.end_users.list()


def test_conductor_py_retries_a_503_and_succeeds(base_url, secret_key):
    # The official SDK retries 5xx: the sandbox must let the second attempt through.
    control.fail_next(1, "http_503")
    with conductor.Conductor(api_key=secret_key, base_url=base_url, max_retries=1) as sdk:
        assert sdk.end_users.list().data == []
    assert [r["status"] for r in control.request_log()] == [503, 200]


def test_dropped_connection_is_a_connection_error_not_a_response(base_url, http):
    control.fail_next(1, "drop")
    with pytest.raises(requests.ConnectionError):
        http.get(base_url + "/end-users", timeout=10)
    # The server is fine afterwards, on a new connection.
    assert http.get(base_url + "/end-users", timeout=10).status_code == 200


def test_create_then_drop_happened_although_the_client_saw_an_error(base_url, http):
    control.fail_next(1, "drop_after", method="POST", path="/end-users")
    body = {"companyName": "Ghost Ltd", "sourceId": "ghost-1", "email": "g@ghost.test"}
    with pytest.raises(requests.ConnectionError):
        http.post(base_url + "/end-users", json=body, timeout=10)
    listed = http.get(base_url + "/end-users", timeout=10).json()["data"]
    assert [(u["sourceId"], u["companyName"]) for u in listed] == [("ghost-1", "Ghost Ltd")]
    assert control.request_count("POST", "/end-users") == 1


def test_complete_late_creates_the_end_user_after_the_client_gave_up(base_url, http):
    control.fail_next(1, "complete_late", method="POST", path="/end-users", delay_ms=1200)
    body = {"companyName": "Slow Ltd", "sourceId": "slow-1", "email": "s@slow.test"}
    with pytest.raises(requests.ReadTimeout):
        http.post(base_url + "/end-users", json=body, timeout=(5, 0.3))
    # The client has given up and Conductor has not created it yet...
    assert http.get(base_url + "/end-users", timeout=10).json()["data"] == []
    # ...until the delay has passed: then it is there, although no answer ever came.
    deadline = time.monotonic() + 10
    while not (listed := http.get(base_url + "/end-users", timeout=10).json()["data"]):
        assert time.monotonic() < deadline, "the late create never landed"
        time.sleep(0.1)
    assert [(u["sourceId"], u["companyName"]) for u in listed] == [("slow-1", "Slow Ltd")]
    [entry] = control.request_log(method="POST", path="/end-users")
    assert (entry["status"], entry["fault"]) == (200, "complete_late")


def test_random_complete_late_faults_wait_the_configured_delay(base_url, http):
    control.set_faults(fault_rate=1, fault_kinds=["complete_late"], delay_ms=600)
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        http.get(base_url + "/end-users", timeout=10)
    assert time.monotonic() - started >= 0.6
    control.clear_faults()


def test_conductor_py_reports_a_drop_as_a_connection_error(sdk):
    control.fail_next(1, "drop")
    with pytest.raises(conductor.APIConnectionError):
        sdk.end_users.list()


def test_html_502_reaches_the_client_as_html(base_url, http):
    control.fail_next(1, "html_502")
    response = http.get(base_url + "/end-users", timeout=10)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Conductor-Request-Id"].startswith("req_")
