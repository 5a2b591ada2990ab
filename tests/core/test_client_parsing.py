"""Typed results, what is sent, and bodies that are not the documented JSON."""

import json
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

import conductor_django
from conductor_django.client import (
    AuthSession,
    ConductorClient,
    DeletedEndUser,
    EndUser,
    HealthCheck,
    errors,
)

from .helpers import BASE_URL, PUBLISHABLE_KEY, SECRET_KEY, end_user_json

END_USERS = f"{BASE_URL}/end-users"
HEALTH_CHECK = f"{BASE_URL}/quickbooks-desktop/health-check"
SECRET = "auth_sess_client_secret_abc"
AUTH_SESSION = {
    "id": "auth_sess_1",
    "objectType": "auth_session",
    "createdAt": "2026-01-05T10:00:00.000Z",
    "endUserId": "end_usr_1",
    "clientSecret": SECRET,
    "authFlowUrl": f"https://connect.conductor.is/qbd/{SECRET}?key={PUBLISHABLE_KEY}",
    "expiresAt": "2026-01-05T10:30:00.000Z",
    "redirectUrl": None,
}


@pytest.fixture
def once():
    return ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=0)


def test_create_end_user_sends_documented_body_and_returns_end_user(rsps, conductor):
    rsps.post(END_USERS, json=end_user_json(source_id="42"))

    end_user = conductor.create_end_user(
        company_name="Alice's Bakery", source_id="42", email="alice@example.com"
    )

    assert end_user == EndUser(
        id="end_usr_1",
        created_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        company_name="Alice's Bakery",
        source_id="42",
        email="alice@example.com",
        integration_connections=(),
    )
    request = rsps.calls[0].request
    assert json.loads(request.body) == {
        "companyName": "Alice's Bakery",
        "sourceId": "42",
        "email": "alice@example.com",
    }
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert request.headers["Accept"] == "application/json"


def test_user_agent_names_the_package_and_version(rsps, conductor):
    rsps.get(f"{END_USERS}/end_usr_1", json=end_user_json())

    conductor.retrieve_end_user("end_usr_1")

    user_agent = rsps.calls[0].request.headers["User-Agent"]
    assert user_agent == f"conductor-django/{conductor_django.__version__}"
    assert re.fullmatch(r"conductor-django/\d+\.\d+\.\d+", user_agent)


def test_separate_connect_and_read_timeouts_passed_to_requests(rsps):
    client = ConductorClient(
        SECRET_KEY,
        base_url=BASE_URL,
        connect_timeout=3.0,
        read_timeout=20.0,
        health_check_timeout=7.0,
    )
    rsps.get(f"{END_USERS}/end_usr_1", json=end_user_json())
    rsps.get(HEALTH_CHECK, json={"duration": 5, "status": "ok"})

    client.retrieve_end_user("end_usr_1")
    client.health_check("end_usr_1")

    assert rsps.calls[0].request.req_kwargs["timeout"] == (3.0, 20.0)
    assert rsps.calls[1].request.req_kwargs["timeout"] == (3.0, 7.0)


def test_health_check_selects_end_user_by_header(rsps, conductor):
    rsps.get(HEALTH_CHECK, json={"duration": 5873, "status": "ok"})

    assert conductor.health_check("end_usr_7") == HealthCheck(status="ok", duration_ms=5873)

    assert rsps.calls[0].request.headers["Conductor-End-User-Id"] == "end_usr_7"


def test_list_and_find_end_user_by_source_id(rsps, conductor):
    data = [
        end_user_json("end_usr_new", "7", "2026-01-05T11:00:00.000Z"),
        end_user_json("end_usr_other", "8"),
        end_user_json("end_usr_old", "7", "2026-01-05T09:00:00.000Z"),
    ]
    rsps.get(END_USERS, json={"objectType": "list", "url": "/v1/end-users", "data": data})

    assert [u.id for u in conductor.list_end_users()] == [
        "end_usr_new",
        "end_usr_other",
        "end_usr_old",
    ]
    # Two end-users for one sourceId: the oldest is the one an earlier attempt stored.
    assert conductor.find_end_user("7").id == "end_usr_old"
    assert conductor.find_end_user("9") is None


def test_integration_connections_parsed(rsps, conductor):
    connection = {
        "id": "int_conn_1",
        "objectType": "integration_connection",
        "createdAt": "2026-01-05T10:00:00.000Z",
        "integrationSlug": "quickbooks_desktop",
        "lastRequestAt": None,
        "lastSuccessfulRequestAt": "2026-01-05T10:05:00.000Z",
    }
    rsps.get(f"{END_USERS}/end_usr_1", json=end_user_json(integrationConnections=[connection]))

    (parsed,) = conductor.retrieve_end_user("end_usr_1").integration_connections

    assert parsed.id == "int_conn_1"
    assert parsed.integration_slug == "quickbooks_desktop"
    assert parsed.last_request_at is None
    assert parsed.last_successful_request_at == datetime(2026, 1, 5, 10, 5, tzinfo=UTC)


def test_delete_end_user(rsps, conductor):
    body = {"id": "end_usr_1", "objectType": "end_user", "deleted": True}
    rsps.delete(f"{END_USERS}/end_usr_1", json=body)

    assert conductor.delete_end_user("end_usr_1") == DeletedEndUser("end_usr_1", True)


def test_create_auth_session_optional_fields_only_when_given(rsps, conductor):
    rsps.post(f"{BASE_URL}/auth-sessions", json=AUTH_SESSION)

    plain = conductor.create_auth_session(publishable_key=PUBLISHABLE_KEY, end_user_id="end_usr_1")
    conductor.create_auth_session(
        publishable_key=PUBLISHABLE_KEY,
        end_user_id="end_usr_1",
        link_expiry_mins=60,
        redirect_url="https://app.example/cb?state=x",
    )

    assert isinstance(plain, AuthSession)
    assert plain.auth_flow_url == AUTH_SESSION["authFlowUrl"]
    assert plain.client_secret == SECRET
    assert plain.expires_at == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert json.loads(rsps.calls[0].request.body) == {
        "publishableKey": PUBLISHABLE_KEY,
        "endUserId": "end_usr_1",
    }
    assert json.loads(rsps.calls[1].request.body) == {
        "publishableKey": PUBLISHABLE_KEY,
        "endUserId": "end_usr_1",
        "linkExpiryMins": 60,
        "redirectUrl": "https://app.example/cb?state=x",
    }


# Bodies that are not the documented JSON: always InvalidResponseError, never JSONDecodeError.


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        (200, '{"id": "end_usr_1", "createdAt": "2026-01-0', "application/json"),
        (200, "", "application/json"),
        (500, "", "application/json"),
        (400, '{"message": "no envelope"}', "application/json"),
        (409, '{"error": "INTEGRATION_CONNECTION_NOT_SET_UP"}', "application/json"),
        (503, "[]", "application/json"),
    ],
    ids=["html-502", "truncated", "empty-200", "empty-500", "no-envelope", "string-error", "list"],
)
def test_non_json_body_is_invalid_response(rsps, once, status, body, content_type):
    rsps.get(
        f"{END_USERS}/end_usr_1",
        status=status,
        body=body,
        content_type=content_type,
        headers={"Conductor-Request-Id": "req_proxy"},
    )

    with pytest.raises(errors.ConductorError) as caught:
        once.retrieve_end_user("end_usr_1")

    error = caught.value
    assert type(error) is errors.InvalidResponseError
    assert not isinstance(error, ValueError)
    assert error.http_status_code == status
    assert error.request_id == "req_proxy"
    assert f"HTTP {status}" in str(error)
    assert error.is_transient is (status >= 500)


@pytest.mark.parametrize(
    "payload",
    [
        {"id": "end_usr_1"},
        [end_user_json()],
        end_user_json(createdAt=12345),
        end_user_json(createdAt="yesterday"),
        end_user_json(integrationConnections="none"),
        end_user_json(integrationConnections=[{"id": "int_conn_1"}]),
        end_user_json(createdAt=None),
        end_user_json(id=None),
        end_user_json(sourceId=42),
    ],
    ids=[
        "missing-fields",
        "list",
        "number-date",
        "bad-date",
        "connections-string",
        "bad-conn",
        "null-date",
        "null-id",
        "number-source-id",
    ],
)
def test_malformed_200_object_is_invalid_response(rsps, once, payload):
    rsps.get(f"{END_USERS}/end_usr_1", json=payload)

    with pytest.raises(errors.InvalidResponseError) as caught:
        once.retrieve_end_user("end_usr_1")

    assert "EndUser" in str(caught.value)
    assert caught.value.is_transient is False


@pytest.mark.parametrize(
    "payload",
    [{"objectType": "list"}, {"data": "nope"}, [], {"data": [{"id": "end_usr_1"}]}],
)
def test_malformed_list_is_invalid_response(rsps, once, payload):
    rsps.get(END_USERS, json=payload)

    with pytest.raises(errors.InvalidResponseError):
        once.list_end_users()


def test_health_check_without_status_is_invalid_response(rsps, once):
    rsps.get(HEALTH_CHECK, json={"duration": 10})

    with pytest.raises(errors.InvalidResponseError):
        once.health_check("end_usr_1")


@pytest.mark.parametrize("field", ["expiresAt", "authFlowUrl", "clientSecret"])
def test_auth_session_with_a_null_field_is_invalid_response(rsps, once, field):
    rsps.post(f"{BASE_URL}/auth-sessions", json={**AUTH_SESSION, field: None})

    with pytest.raises(errors.InvalidResponseError):
        once.create_auth_session(publishable_key=PUBLISHABLE_KEY, end_user_id="end_usr_1")


def test_health_check_duration_that_is_not_whole_ms_is_dropped(rsps, once):
    rsps.get(HEALTH_CHECK, json={"duration": "12ms", "status": "ok"})

    assert once.health_check("end_usr_1") == HealthCheck(status="ok", duration_ms=None)


def test_auth_session_without_auth_flow_url_is_invalid_response(rsps, once):
    body = {name: value for name, value in AUTH_SESSION.items() if name != "authFlowUrl"}
    rsps.post(f"{BASE_URL}/auth-sessions", json=body)

    with pytest.raises(errors.InvalidResponseError):
        once.create_auth_session(publishable_key=PUBLISHABLE_KEY, end_user_id="end_usr_1")


def test_client_refuses_to_start_without_a_key():
    with pytest.raises(ValueError, match="secret key"):
        ConductorClient("", base_url=BASE_URL)


def test_client_is_django_free():
    code = (
        "import sys, conductor_django.client; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
