"""Every status Codat documents becomes the right exception, with its body's fields as
attributes."""

import pytest
import requests

from conductor_django.codat.client import errors
from conductor_django.codat.client.errors import Validation, ValidationItem
from conductor_django.transport import ProviderError

from .payloads import BASE_URL, COMPANY_ID, error_json

COMPANY = f"{BASE_URL}/companies/{COMPANY_ID}"

# (HTTP status, the spec's example text, class) from the spec's components/responses.
DOCUMENTED = [
    (400, "Error processing request - not valid.", errors.BadRequestError),
    (401, "Unauthorized", errors.AuthenticationError),
    (402, "You have exceeded the 50-company limit that applies to a Free plan.", None),
    (403, "You are using an outdated API key or a key not associated with that resource.", None),
    (404, f"No company was found with ID {COMPANY_ID}", errors.NotFoundError),
    (409, "Maximum number of API keys reached.", errors.ConflictError),
    (429, "You have made too many requests in a given amount of time.", errors.RateLimitError),
    (500, "There is a problem with our server. Please try again later.", None),
    (503, "The Codat API is temporarily offline for maintenance.", None),
]
CLASSES = {
    402: errors.PaymentRequiredError,
    403: errors.ForbiddenError,
    500: errors.InternalServerError,
    503: errors.ServiceUnavailableError,
}
TRANSIENT = {429, 500, 503}


@pytest.mark.parametrize(
    ("status", "text", "expected"), DOCUMENTED, ids=[str(row[0]) for row in DOCUMENTED]
)
def test_documented_error_parsed_into_class_with_attributes(rsps, once, status, text, expected):
    expected = expected or CLASSES[status]
    # The spec's own examples put another statusCode in the body than the HTTP status
    # (402 → 429, 503 → 500): the HTTP status decides.
    body = error_json(500 if status == 503 else status, text, detailedErrorCode=12)
    rsps.get(COMPANY, status=status, json=body)

    with pytest.raises(errors.CodatError) as caught:
        once.get_company(COMPANY_ID)

    error = caught.value
    assert type(error) is expected
    assert isinstance(error, errors.CodatAPIError)
    assert isinstance(error, ProviderError)
    assert error.status_code == status
    assert error.service == "PublicApi"
    assert error.error == text
    assert error.message == text
    assert error.correlation_id == "bc997528a9d7abb9161ef45f05d38599"
    assert error.can_be_retried == "Unknown"
    assert error.detailed_error_code == 12
    assert error.validation is None
    assert error.is_transient is (status in TRANSIENT)
    assert error.is_outage is (status in TRANSIENT)
    assert str(error) == f"[HTTP {status}] {text} (correlation bc997528a9d7abb9161ef45f05d38599)"


def test_validation_errors_are_typed(rsps, once):
    validation = {
        "errors": [{"itemId": "name", "message": "Name is required.", "validatorName": "Company"}],
        "warnings": [{"itemId": None, "message": "Tags ignored.", "validatorName": None}, "x"],
    }
    rsps.post(f"{BASE_URL}/companies", status=400, json=error_json(400, validation=validation))

    with pytest.raises(errors.BadRequestError) as caught:
        once.create_company(name="")

    assert caught.value.validation == Validation(
        errors=(ValidationItem("name", "Name is required.", "Company"),),
        warnings=(ValidationItem(None, "Tags ignored.", None),),
    )


def test_a_malformed_error_body_keeps_what_is_well_typed(rsps, once):
    body = {"statusCode": "404", "error": 7, "correlationId": ["x"], "detailedErrorCode": True}
    rsps.get(COMPANY, status=404, json=body)

    with pytest.raises(errors.NotFoundError) as caught:
        once.get_company(COMPANY_ID)

    error = caught.value
    assert error.message == "HTTP 404"
    assert (error.correlation_id, error.detailed_error_code, error.service) == (None, None, None)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(405, errors.CodatAPIError), (451, errors.CodatAPIError), (502, errors.InternalServerError)],
)
def test_undocumented_statuses_classified_by_range(rsps, once, status, expected):
    rsps.get(COMPANY, status=status, json=error_json(status))

    with pytest.raises(errors.CodatAPIError) as caught:
        once.get_company(COMPANY_ID)

    assert type(caught.value) is expected
    assert caught.value.status_code == status


def test_rate_limit_error_carries_retry_after(rsps, once):
    rsps.get(COMPANY, status=429, json=error_json(429), headers={"Retry-After": "7"})

    with pytest.raises(errors.RateLimitError) as caught:
        once.get_company(COMPANY_ID)

    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (requests.ConnectionError("Connection reset by peer"), errors.NetworkError),
        (requests.ReadTimeout("read timed out"), errors.TimeoutError),
        (requests.ConnectTimeout("connect timed out"), errors.TimeoutError),
    ],
)
def test_network_failures_have_their_own_exceptions(rsps, once, exception, expected):
    rsps.get(COMPANY, body=exception)

    with pytest.raises(errors.NetworkError) as caught:
        once.get_company(COMPANY_ID)

    error = caught.value
    assert type(error) is expected
    assert (error.is_transient, error.is_outage) == (True, True)
    assert (error.status_code, error.correlation_id) == (None, None)
    assert "Codat" in str(error)


def test_error_attributes_cannot_be_misspelt():
    with pytest.raises(TypeError):
        errors.CodatError("boom", correlationId="typo")


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (errors.NetworkError("down"), True),
        (errors.InvalidResponseError("html", status_code=502), True),
        (errors.InvalidResponseError("malformed 200", status_code=200), True),
        (errors.ServiceUnavailableError("503", status_code=503), True),
        (errors.RateLimitError("429", status_code=429), True),
        (errors.PaymentRequiredError("402", status_code=402), False),
        (errors.NotFoundError("404", status_code=404), False),
        (errors.AuthenticationError("401", status_code=401), False),
    ],
)
def test_outages_are_told_apart_from_answers_about_the_account(error, outage):
    assert error.is_outage is outage
