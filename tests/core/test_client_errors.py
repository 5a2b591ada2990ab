"""Every error Conductor documents becomes the right exception, with its fields as attributes."""

import pytest
import requests

from conductor_django.client import ConductorClient, errors

from .helpers import BASE_URL, SECRET_KEY, error_json

HEALTH_CHECK = f"{BASE_URL}/quickbooks-desktop/health-check"

# (HTTP status, code, type, integrationCode, expected class) from ../shared/conductor-api.md.
DOCUMENTED = [
    (
        409,
        "INTEGRATION_CONNECTION_NOT_SET_UP",
        "INTEGRATION_CONNECTION_ERROR",
        None,
        errors.ConnectionNotSetUpError,
    ),
    (
        502,
        "INTEGRATION_CONNECTION_NOT_ACTIVE",
        "INTEGRATION_CONNECTION_ERROR",
        None,
        errors.IntegrationConnectionError,
    ),
    (
        502,
        "QBD_CONNECTION_ERROR",
        "INTEGRATION_CONNECTION_ERROR",
        "0x80040420",
        errors.IntegrationConnectionError,
    ),
    (502, "QBD_REQUEST_ERROR", "INTEGRATION_ERROR", "0x80040400", errors.IntegrationError),
    (
        504,
        "QBD_REQUEST_TIMEOUT",
        "INTEGRATION_CONNECTION_ERROR",
        None,
        errors.IntegrationConnectionError,
    ),
    (401, "API_KEY_INVALID", "AUTHENTICATION_ERROR", None, errors.AuthenticationError),
    (404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR", None, errors.NotFoundError),
    (400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR", None, errors.InvalidRequestError),
    (403, "PERMISSION_DENIED", "PERMISSION_ERROR", None, errors.PermissionDeniedError),
    (500, "INTERNAL_SERVER_ERROR", "INTERNAL_ERROR", None, errors.InternalServerError),
    (429, "TOO_MANY_REQUESTS", "INVALID_REQUEST_ERROR", None, errors.RateLimitError),
]


@pytest.fixture
def no_retry_client():
    return ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=0)


@pytest.mark.parametrize(
    ("status", "code", "type_", "integration_code", "expected"),
    DOCUMENTED,
    ids=[row[1] for row in DOCUMENTED],
)
def test_documented_error_parsed_into_class_with_attributes(
    rsps, no_retry_client, status, code, type_, integration_code, expected
):
    body = error_json(
        status,
        code,
        type_,
        message=f"Developer text for {code}.",
        user_facing=f"User text for {code}.",
        request_id="req_abc123",
        integration_code=integration_code,
    )
    rsps.get(HEALTH_CHECK, status=status, json=body)

    with pytest.raises(errors.ConductorError) as caught:
        no_retry_client.health_check("end_usr_1")

    error = caught.value
    assert type(error) is expected
    assert isinstance(error, errors.ConductorAPIError)
    assert error.code == code
    assert error.type == type_
    assert error.message == f"Developer text for {code}."
    assert error.user_facing_message == f"User text for {code}."
    assert error.http_status_code == status
    assert error.integration_code == integration_code
    assert error.request_id == "req_abc123"
    assert str(error) == f"[{code}] Developer text for {code}. (request req_abc123)"


def test_not_set_up_is_an_integration_connection_error(rsps, no_retry_client):
    body = error_json(409, "INTEGRATION_CONNECTION_NOT_SET_UP", "INTEGRATION_CONNECTION_ERROR")
    rsps.get(HEALTH_CHECK, status=409, json=body)

    with pytest.raises(errors.IntegrationConnectionError) as caught:
        no_retry_client.health_check("end_usr_1")

    assert isinstance(caught.value, errors.ConnectionNotSetUpError)
    assert caught.value.is_transient is False


def test_request_id_falls_back_to_the_response_header(rsps, no_retry_client):
    body = error_json(404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR")
    del body["error"]["requestId"]
    rsps.get(
        f"{BASE_URL}/end-users/end_usr_gone",
        status=404,
        json=body,
        headers={"Conductor-Request-Id": "req_from_header"},
    )

    with pytest.raises(errors.NotFoundError) as caught:
        no_retry_client.retrieve_end_user("end_usr_gone")

    assert caught.value.request_id == "req_from_header"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (422, errors.ConductorAPIError),
        (503, errors.InternalServerError),
    ],
)
def test_unknown_code_and_type_classified_by_status(rsps, no_retry_client, status, expected):
    rsps.get(f"{BASE_URL}/end-users/end_usr_1", status=status, json=error_json(status, "X", "Y"))

    with pytest.raises(errors.ConductorAPIError) as caught:
        no_retry_client.retrieve_end_user("end_usr_1")

    assert type(caught.value) is expected
    assert caught.value.code == "X"
    assert caught.value.http_status_code == status


def test_rate_limit_error_carries_retry_after(rsps, no_retry_client):
    rsps.get(
        f"{BASE_URL}/end-users",
        status=429,
        json=error_json(429, "TOO_MANY_REQUESTS", "INVALID_REQUEST_ERROR"),
        headers={"Retry-After": "7"},
    )

    with pytest.raises(errors.RateLimitError) as caught:
        no_retry_client.list_end_users()

    assert caught.value.retry_after == 7.0
    assert caught.value.is_transient is True


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (requests.ConnectionError("Connection reset by peer"), errors.NetworkError),
        (requests.ReadTimeout("read timed out"), errors.TimeoutError),
        (requests.ConnectTimeout("connect timed out"), errors.TimeoutError),
    ],
)
def test_network_failures_have_their_own_exceptions(rsps, no_retry_client, exception, expected):
    rsps.get(f"{BASE_URL}/end-users/end_usr_1", body=exception)

    with pytest.raises(errors.NetworkError) as caught:
        no_retry_client.retrieve_end_user("end_usr_1")

    assert type(caught.value) is expected
    assert caught.value.is_transient is True
    assert caught.value.http_status_code is None
    assert caught.value.code is None


def test_error_attributes_cannot_be_misspelt():
    with pytest.raises(TypeError):
        errors.ConductorError("boom", user_message="typo")


@pytest.mark.parametrize(
    "error, outage",
    [
        (errors.NetworkError("down"), True),
        (errors.TimeoutError("slow"), True),
        (errors.InvalidResponseError("html", http_status_code=502), True),
        (errors.InvalidResponseError("malformed 200", http_status_code=200), True),
        (errors.InternalServerError("500", http_status_code=500), True),
        (errors.RateLimitError("429", http_status_code=429), True),
        (errors.ConnectionNotSetUpError("409", http_status_code=409), False),
        (errors.IntegrationConnectionError("502", http_status_code=502), False),
        (errors.AuthenticationError("401", http_status_code=401), False),
        (errors.NotFoundError("404", http_status_code=404), False),
    ],
)
def test_outages_are_told_apart_from_answers_about_the_account(error, outage):
    # Pages show a neutral "try later" for outages and Conductor's own words otherwise.
    assert error.is_outage is outage
