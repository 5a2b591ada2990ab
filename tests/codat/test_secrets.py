"""The API key (raw or encoded) and link URLs never reach a repr, a log line or an error."""

import base64
import logging

import pytest
import requests

from conductor_django.codat.client import CodatClient, errors

from .payloads import (
    API_KEY,
    BASE_URL,
    COMPANY_ID,
    LINK_URL,
    company_json,
    connection_json,
    error_json,
    page_json,
)

ENCODED = base64.b64encode(API_KEY.encode()).decode()
SECRETS = (API_KEY, ENCODED, LINK_URL, "s3cr3t-one-time")
COMPANY = f"{BASE_URL}/companies/{COMPANY_ID}"
CONNECTIONS = f"{COMPANY}/connections"


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def logged_text(caplog):
    """Every record as a handler would write it, tracebacks and arguments included."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    return "\n".join(handler.format(record) for record in caplog.records) + caplog.text


def assert_secret_free(text):
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("key", [API_KEY, f"Basic {ENCODED}"], ids=["raw", "portal-header"])
def test_client_repr_hides_the_key(key):
    client = CodatClient(key, base_url=BASE_URL)

    assert_secret_free(repr(client))
    assert_secret_free(repr(client.transport))


@pytest.mark.parametrize("key", [API_KEY, f"Basic {ENCODED}"], ids=["raw", "portal-header"])
@pytest.mark.parametrize("echoed", [API_KEY, ENCODED, f"Basic {ENCODED}"])
def test_error_echoing_the_key_is_redacted(rsps, key, echoed):
    validation = {"errors": [{"itemId": echoed, "message": f"bad key {echoed}"}]}
    body = error_json(401, f"Invalid API key: {echoed}", validation=validation)
    rsps.get(COMPANY, status=401, json=body)

    with pytest.raises(errors.AuthenticationError) as caught:
        CodatClient(key, base_url=BASE_URL, max_retries=0).get_company(COMPANY_ID)

    error = caught.value
    assert error.message.startswith("Invalid API key: ")
    for text in (str(error), repr(error), error.error, *map(str, error.args)):
        assert_secret_free(text)
    assert_secret_free(repr(error.validation))


def test_connection_and_company_reprs_hide_link_urls(rsps, codat):
    rsps.post(CONNECTIONS, json=connection_json())
    rsps.get(COMPANY, json=company_json(dataConnections=[connection_json()]))

    connection = codat.create_connection(COMPANY_ID, platform_key="gbol")
    company = codat.get_company(COMPANY_ID)

    assert connection.link_url == LINK_URL
    for text in (repr(connection), str(connection), repr(company), str(company)):
        assert_secret_free(text)
    assert company.redirect not in repr(company)


def test_failures_retries_and_successes_log_no_secret(rsps, waits, codat, everything_logged):
    rsps.get(COMPANY, body=requests.ConnectionError(f"{BASE_URL} Authorization: Basic {ENCODED}"))
    rsps.get(COMPANY, status=503, json=error_json(503, f"down for {API_KEY}"))
    rsps.get(COMPANY, json=company_json())
    rsps.post(CONNECTIONS, status=500, json=error_json(500, f"key {API_KEY}"))
    rsps.get(CONNECTIONS, json=page_json([connection_json()]))

    codat.get_company(COMPANY_ID)
    with pytest.raises(errors.CodatError) as caught:
        codat.create_connection(COMPANY_ID, platform_key="gbol")
    list(codat.iter_connections(COMPANY_ID))

    assert_secret_free(str(caught.value))
    assert any(r.levelno == logging.WARNING for r in everything_logged.records)
    assert any(r.levelno == logging.DEBUG for r in everything_logged.records)
    assert_secret_free(logged_text(everything_logged))


def test_network_error_message_names_no_url_or_header(rsps, once):
    rsps.get(COMPANY, body=requests.ConnectionError(f"Basic {ENCODED} {LINK_URL}"))

    with pytest.raises(errors.NetworkError) as caught:
        once.get_company(COMPANY_ID)

    assert_secret_free(str(caught.value))
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__ is True
