"""What the client retries, and what it must never retry (Conductor has no idempotency keys)."""

import socket

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from conductor_django.client import ConductorClient, errors

from .helpers import BASE_URL, SECRET_KEY, end_user_json, error_json

END_USER = f"{BASE_URL}/end-users/end_usr_1"
END_USERS = f"{BASE_URL}/end-users"
HEALTH_CHECK = f"{BASE_URL}/quickbooks-desktop/health-check"
OUTAGE = error_json(503, "SERVICE_UNAVAILABLE", "INTERNAL_ERROR")
RATE_LIMITED = error_json(429, "TOO_MANY_REQUESTS", "INVALID_REQUEST_ERROR")


def create(client):
    return client.create_end_user(company_name="Acme", source_id="1", email="a@example.com")


def refused_connection():
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.ConnectionError(MaxRetryError(None, END_USERS, reason=reason))


# GETs


def test_get_retried_on_429_honouring_retry_after(rsps, waits, conductor):
    rsps.get(END_USER, status=429, json=RATE_LIMITED, headers={"Retry-After": "3"})
    rsps.get(END_USER, json=end_user_json())

    assert conductor.retrieve_end_user("end_usr_1").id == "end_usr_1"

    assert len(rsps.calls) == 2
    assert waits == [3.0]


def test_retry_after_ms_takes_precedence(rsps, waits, conductor):
    headers = {"Retry-After": "3", "retry-after-ms": "250"}
    rsps.get(END_USER, status=429, json=RATE_LIMITED, headers=headers)
    rsps.get(END_USER, json=end_user_json())

    conductor.retrieve_end_user("end_usr_1")

    assert waits == [0.25]


def test_retry_after_beyond_max_retry_wait_is_not_waited(rsps, waits):
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=2, max_retry_wait=10)
    rsps.get(END_USER, status=429, json=RATE_LIMITED, headers={"Retry-After": "60"})
    rsps.get(END_USER, json=end_user_json())

    with pytest.raises(errors.RateLimitError) as caught:
        client.retrieve_end_user("end_usr_1")

    assert caught.value.retry_after == 60.0
    assert len(rsps.calls) == 1
    assert waits == []


def test_get_retried_on_5xx_then_succeeds(rsps, waits, conductor):
    rsps.get(END_USER, status=503, json=OUTAGE)
    rsps.get(END_USER, status=500, json=error_json(500, "INTERNAL_SERVER_ERROR", "INTERNAL_ERROR"))
    rsps.get(END_USER, json=end_user_json())

    assert conductor.retrieve_end_user("end_usr_1").id == "end_usr_1"

    assert len(rsps.calls) == 3
    assert len(waits) == 2


def test_backoff_grows_between_retries(rsps, waits):
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=3, backoff=1.0)
    rsps.get(END_USER, status=503, json=OUTAGE)

    with pytest.raises(errors.InternalServerError):
        client.retrieve_end_user("end_usr_1")

    # 1 s, 2 s, 4 s, each with up to 25 % jitter either way.
    assert [round(wait / 2**n) for n, wait in enumerate(waits)] == [1, 1, 1]


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_retries_bounded_by_max_retries(rsps, waits, max_retries):
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=max_retries)
    rsps.get(END_USER, status=503, json=OUTAGE)

    with pytest.raises(errors.InternalServerError):
        client.retrieve_end_user("end_usr_1")

    assert len(rsps.calls) == max_retries + 1
    assert len(waits) == max_retries


def test_get_retried_on_html_502_from_a_proxy(rsps, waits, conductor):
    rsps.get(END_USER, status=502, body="<html>502 Bad Gateway</html>", content_type="text/html")

    with pytest.raises(errors.InvalidResponseError) as caught:
        conductor.retrieve_end_user("end_usr_1")

    assert caught.value.http_status_code == 502
    assert len(rsps.calls) == 3


@pytest.mark.parametrize(
    ("status", "code", "type_"),
    [
        (502, "QBD_CONNECTION_ERROR", "INTEGRATION_CONNECTION_ERROR"),
        (502, "INTEGRATION_CONNECTION_NOT_ACTIVE", "INTEGRATION_CONNECTION_ERROR"),
        (502, "QBD_REQUEST_ERROR", "INTEGRATION_ERROR"),
        (504, "QBD_REQUEST_TIMEOUT", "INTEGRATION_CONNECTION_ERROR"),
    ],
)
def test_5xx_with_integration_error_not_retried(rsps, waits, conductor, status, code, type_):
    rsps.get(HEALTH_CHECK, status=status, json=error_json(status, code, type_))

    with pytest.raises(errors.ConductorAPIError) as caught:
        conductor.health_check("end_usr_1")

    assert caught.value.code == code
    assert len(rsps.calls) == 1
    assert waits == []


@pytest.mark.parametrize(
    ("status", "code", "type_"),
    [
        (409, "INTEGRATION_CONNECTION_NOT_SET_UP", "INTEGRATION_CONNECTION_ERROR"),
        (400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR"),
        (401, "API_KEY_INVALID", "AUTHENTICATION_ERROR"),
        (403, "PERMISSION_DENIED", "PERMISSION_ERROR"),
        (404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR"),
        (408, "REQUEST_TIMEOUT", "INVALID_REQUEST_ERROR"),
    ],
)
def test_4xx_never_retried(rsps, waits, conductor, status, code, type_):
    rsps.get(HEALTH_CHECK, status=status, json=error_json(status, code, type_))

    with pytest.raises(errors.ConductorAPIError):
        conductor.health_check("end_usr_1")

    assert len(rsps.calls) == 1
    assert waits == []


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectionError("Connection reset by peer"), requests.ReadTimeout("timed out")],
    ids=["reset", "read-timeout"],
)
def test_get_retried_on_connection_errors_and_read_timeouts(rsps, waits, conductor, failure):
    rsps.get(END_USERS, body=failure)
    rsps.get(END_USERS, json={"objectType": "list", "url": "/v1/end-users", "data": []})

    assert conductor.list_end_users() == []

    assert len(rsps.calls) == 2


def test_health_check_not_retried_on_read_timeout(rsps, waits, conductor):
    rsps.get(HEALTH_CHECK, body=requests.ReadTimeout("read timed out"))
    rsps.get(HEALTH_CHECK, json={"duration": 10, "status": "ok"})

    with pytest.raises(errors.TimeoutError):
        conductor.health_check("end_usr_1")

    assert len(rsps.calls) == 1
    assert waits == []


def test_health_check_retried_when_connect_timed_out(rsps, waits, conductor):
    rsps.get(HEALTH_CHECK, body=requests.ConnectTimeout("connect timed out"))
    rsps.get(HEALTH_CHECK, json={"duration": 10, "status": "ok"})

    assert conductor.health_check("end_usr_1").status == "ok"

    assert len(rsps.calls) == 2


# POSTs: a create that may have reached Conductor is never sent again.


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, OUTAGE),
        (500, error_json(500, "INTERNAL_SERVER_ERROR", "INTERNAL_ERROR")),
    ],
)
def test_post_not_replayed_after_error_answer(rsps, waits, conductor, status, body):
    rsps.post(END_USERS, status=status, json=body, headers={"Retry-After": "0"})
    rsps.post(END_USERS, json=end_user_json())

    with pytest.raises(errors.ConductorAPIError):
        create(conductor)

    assert len(rsps.calls) == 1


# A 429 means Conductor refused the request before doing anything: a create is safe to resend.

CREATES = {
    "end-user": (END_USERS, create, end_user_json()),
    "auth-session": (
        f"{BASE_URL}/auth-sessions",
        lambda client: client.create_auth_session(publishable_key="pk", end_user_id="end_usr_1"),
        {
            "id": "auth_sess_1",
            "objectType": "auth_session",
            "createdAt": "2026-01-05T10:00:00.000Z",
            "endUserId": "end_usr_1",
            "clientSecret": "auth_sess_client_secret_1",
            "authFlowUrl": "https://connect.conductor.is/qbd/auth_sess_client_secret_1?key=pk",
            "expiresAt": "2026-01-05T10:30:00.000Z",
            "redirectUrl": None,
        },
    ),
}


@pytest.mark.parametrize("create_call", CREATES)
def test_create_retried_on_429_honouring_retry_after(rsps, waits, conductor, create_call):
    url, call, created = CREATES[create_call]
    rsps.post(url, status=429, json=RATE_LIMITED, headers={"Retry-After": "2"})
    rsps.post(url, json=created)

    assert call(conductor).id == created["id"]

    assert len(rsps.calls) == 2
    assert waits == [2.0]


def test_create_retried_on_429_honouring_retry_after_ms(rsps, waits, conductor):
    rsps.post(END_USERS, status=429, json=RATE_LIMITED, headers={"retry-after-ms": "150"})
    rsps.post(END_USERS, json=end_user_json())

    assert create(conductor).id == "end_usr_1"

    assert waits == [0.15]


@pytest.mark.parametrize("max_retries", [0, 2])
def test_create_rate_limited_beyond_max_retries_raises(rsps, waits, max_retries):
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=max_retries, backoff=0.01)
    rsps.post(END_USERS, status=429, json=RATE_LIMITED, headers={"Retry-After": "1"})

    with pytest.raises(errors.RateLimitError) as caught:
        create(client)

    assert caught.value.retry_after == 1.0
    assert len(rsps.calls) == max_retries + 1
    assert waits == [1.0] * max_retries


def test_create_retry_after_beyond_max_retry_wait_raised_at_once(rsps, waits):
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=2, max_retry_wait=10)
    rsps.post(END_USERS, status=429, json=RATE_LIMITED, headers={"Retry-After": "60"})
    rsps.post(END_USERS, json=end_user_json())

    with pytest.raises(errors.RateLimitError) as caught:
        create(client)

    assert caught.value.retry_after == 60.0
    assert len(rsps.calls) == 1
    assert waits == []


def test_create_429_without_retry_after_backs_off(rsps, waits):
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=2, backoff=1.0)
    rsps.post(END_USERS, status=429, json=RATE_LIMITED)
    rsps.post(END_USERS, status=429, json=RATE_LIMITED)
    rsps.post(END_USERS, json=end_user_json())

    assert create(client).id == "end_usr_1"

    assert [round(wait / 2**n) for n, wait in enumerate(waits)] == [1, 1]


def test_post_not_replayed_after_html_502(rsps, waits, conductor):
    rsps.post(END_USERS, status=502, body="<html>Bad Gateway</html>", content_type="text/html")
    rsps.post(END_USERS, json=end_user_json())

    with pytest.raises(errors.InvalidResponseError):
        create(conductor)

    assert len(rsps.calls) == 1


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (requests.ReadTimeout("read timed out"), errors.TimeoutError),
        (requests.ConnectionError("Connection reset by peer"), errors.NetworkError),
    ],
    ids=["read-timeout", "reset"],
)
def test_post_not_replayed_when_it_may_have_arrived(rsps, waits, conductor, failure, expected):
    rsps.post(END_USERS, body=failure)
    rsps.post(END_USERS, json=end_user_json())

    with pytest.raises(expected):
        create(conductor)

    assert len(rsps.calls) == 1
    assert waits == []


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectTimeout("connect timed out"), refused_connection()],
    ids=["connect-timeout", "refused"],
)
def test_post_resent_when_connection_never_established(rsps, waits, conductor, failure):
    rsps.post(END_USERS, body=failure)
    rsps.post(END_USERS, json=end_user_json())

    assert create(conductor).id == "end_usr_1"

    assert len(rsps.calls) == 2


def test_post_to_a_closed_port_is_retried_then_fails(waits):
    """A real refused connection: requests' own exception chain proves nothing was sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    attempts = []

    class CountingSession(requests.Session):
        def request(self, *args, **kwargs):
            attempts.append(args[:2])
            return super().request(*args, **kwargs)

    client = ConductorClient(
        SECRET_KEY,
        base_url=f"http://127.0.0.1:{port}/v1",
        max_retries=2,
        connect_timeout=1,
        session=CountingSession(),
    )

    with pytest.raises(errors.NetworkError):
        create(client)

    assert len(attempts) == 3
    assert len(waits) == 2


def test_retry_logged_as_warning(rsps, waits, conductor, caplog):
    rsps.get(END_USER, status=503, json=OUTAGE)
    rsps.get(END_USER, json=end_user_json())

    conductor.retrieve_end_user("end_usr_1")

    warnings = [r for r in caplog.records if r.name == "conductor_django.client"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "SERVICE_UNAVAILABLE" in warnings[0].getMessage()
    assert "retry 1 of 2" in warnings[0].getMessage()
