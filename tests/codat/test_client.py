"""How the client is built (key, base URL, time-outs), the URLs it writes, and bodies that are
not the documented JSON: always InvalidResponseError, never a KeyError or JSONDecodeError."""

import base64
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conductor_django.codat.client import CodatClient, errors

from .payloads import (
    API_KEY,
    BASE_URL,
    COMPANY_ID,
    CONNECTION_ID,
    company_json,
    connection_json,
    integration_json,
)

COMPANIES = f"{BASE_URL}/companies"
COMPANY = f"{COMPANIES}/{COMPANY_ID}"
CONNECTION = f"{COMPANY}/connections/{CONNECTION_ID}"


@pytest.fixture
def local_codat():
    """A real HTTP/1.1 server answering ``GET /profile``, counting the connections it sees."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self):  # noqa: N802 - http.server's naming
            server.requests += 1
            server.connections.add(self.client_address)
            body = json.dumps({"name": "Local", "redirectUrl": "https://x.test"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.requests, server.connections = 0, set()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# Authentication


def test_raw_api_key_is_base64_encoded(rsps):
    rsps.get(f"{BASE_URL}/profile", json={"name": "n", "redirectUrl": "https://x.test"})

    CodatClient(API_KEY, base_url=BASE_URL).get_profile()

    encoded = base64.b64encode(API_KEY.encode()).decode()
    assert rsps.calls[0].request.headers["Authorization"] == f"Basic {encoded}"


@pytest.mark.parametrize("pasted", ["Basic {}", "basic {}", "  Basic   {}  "])
def test_portal_header_value_is_used_as_it_is(rsps, pasted):
    encoded = base64.b64encode(API_KEY.encode()).decode()
    rsps.get(f"{BASE_URL}/profile", json={"name": "n", "redirectUrl": "https://x.test"})

    CodatClient(pasted.format(encoded), base_url=BASE_URL).get_profile()

    assert rsps.calls[0].request.headers["Authorization"] == f"Basic {encoded}"


@pytest.mark.parametrize("key", ["", "   ", "Basic", "Basic "])
def test_client_refuses_to_start_without_a_key(key):
    with pytest.raises(ValueError, match="API key"):
        CodatClient(key)


def test_default_base_url_is_codats():
    assert CodatClient(API_KEY).transport.base_url == "https://api.codat.io"


def test_separate_connect_and_read_timeouts_passed_to_requests(rsps):
    client = CodatClient(API_KEY, base_url=BASE_URL, connect_timeout=3.0, read_timeout=20.0)
    rsps.get(COMPANY, json=company_json())

    client.get_company(COMPANY_ID)

    assert rsps.calls[0].request.req_kwargs["timeout"] == (3.0, 20.0)


def test_calls_share_one_pooled_connection_until_closed(local_codat):
    client = CodatClient(API_KEY, base_url=local_codat.url)

    for _ in range(5):
        assert client.get_profile().name == "Local"
    client.close()
    client.get_profile()

    assert local_codat.requests == 6
    # Five calls on one kept-alive connection; after close(), a new one.
    assert len(local_codat.connections) == 2


# URLs


@pytest.mark.parametrize("bad_id", ["", ".", ".."])
def test_ids_that_would_leave_the_resource_are_refused(rsps, codat, bad_id):
    with pytest.raises(ValueError, match="company_id"):
        codat.get_company(bad_id)

    assert len(rsps.calls) == 0


def test_ids_are_one_escaped_path_segment(rsps, codat):
    rsps.get(f"{COMPANIES}/..%2Fprofile", json=company_json())

    codat.get_company("../profile")

    assert rsps.calls[0].request.path_url == "/companies/..%2Fprofile"


# Bodies that are not the documented shape


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        (200, '{"id": "ab12", "name": "Tech', "application/json"),
        (200, "", "application/json"),
        (500, "", "application/json"),
        (400, '{"message": "not Codat"}', "application/json"),
        (503, "[]", "application/json"),
    ],
    ids=["html-502", "truncated", "empty-200", "empty-500", "foreign-error", "list"],
)
def test_non_json_body_is_invalid_response(rsps, once, status, body, content_type):
    rsps.get(COMPANY, status=status, body=body, content_type=content_type)

    with pytest.raises(errors.CodatError) as caught:
        once.get_company(COMPANY_ID)

    error = caught.value
    assert type(error) is errors.InvalidResponseError
    assert error.status_code == status
    assert f"HTTP {status}" in str(error)
    assert error.is_transient is (status >= 500)
    assert error.is_outage is True


@pytest.mark.parametrize(
    ("call", "url", "payload"),
    [
        ("company", COMPANY, {k: v for k, v in company_json().items() if k != "redirect"}),
        ("company", COMPANY, {k: v for k, v in company_json().items() if k != "name"}),
        ("company", COMPANY, company_json(tags={"uid": 42})),
        ("company", COMPANY, company_json(created="yesterday")),
        ("company", COMPANY, company_json(dataConnections="none")),
        ("company", COMPANY, company_json(dataConnections=[{"id": CONNECTION_ID}])),
        ("company", COMPANY, [company_json()]),
        ("connection", CONNECTION, connection_json(status="PENDING_AUTH")),
        ("connection", CONNECTION, connection_json(status=None)),
        ("connection", CONNECTION, connection_json(linkUrl=None)),
        ("connection", CONNECTION, connection_json(created=1666864409)),
        ("connection", CONNECTION, connection_json(dataConnectionErrors=[{"erroredOnUtc": 3}])),
        ("integration", f"{BASE_URL}/integrations/gbol", integration_json(enabled="yes")),
        ("integration", f"{BASE_URL}/integrations/gbol", integration_json(logoUrl=None)),
        ("branding", f"{BASE_URL}/integrations/gbol/branding", {"logo": {"full": {"image": 1}}}),
        ("data_status", f"{COMPANY}/dataStatus", {"invoices": {"dataType": "invoices"}}),
        ("data_status", f"{COMPANY}/dataStatus", ["invoices"]),
        ("profile", f"{BASE_URL}/profile", {"name": "No redirect"}),
    ],
)
def test_malformed_200_is_invalid_response(rsps, once, call, url, payload):
    calls = {
        "company": lambda: once.get_company(COMPANY_ID),
        "connection": lambda: once.get_connection(COMPANY_ID, CONNECTION_ID),
        "integration": lambda: once.get_integration("gbol"),
        "branding": lambda: once.get_branding("gbol"),
        "data_status": lambda: once.get_data_status(COMPANY_ID),
        "profile": lambda: once.get_profile(),
    }
    rsps.get(url, json=payload)

    with pytest.raises(errors.InvalidResponseError) as caught:
        calls[call]()

    assert "documented shape" in str(caught.value)
    assert caught.value.is_transient is False


def test_delete_connection_answering_something_else_is_invalid_response(rsps, once):
    rsps.delete(CONNECTION, json={"deleted": True})

    with pytest.raises(errors.InvalidResponseError):
        once.delete_connection(COMPANY_ID, CONNECTION_ID)


def test_codat_client_is_django_free():
    code = (
        "import sys, conductor_django.codat, conductor_django.codat.client, "
        "conductor_django.transport; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
