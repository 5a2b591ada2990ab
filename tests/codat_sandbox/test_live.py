"""Over real HTTP: the official ``codat-platform`` SDK works unmodified against the sandbox,
dropped connections and late creates reach clients as they would from Codat, and the background
thread delivers signed webhooks to a real endpoint, retrying on failure."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import requests
from codat_platform import CodatPlatform
from codat_platform.models import errors, shared
from codat_platform.utils.retries import BackoffStrategy, RetryConfig
from standardwebhooks import Webhook

from conductor_django.codat.sandbox import control, worker

from .conftest import WEBHOOK_SECRET, basic

pytestmark = [pytest.mark.live, pytest.mark.urls("tests.codat_sandbox.urls")]

NO_RETRIES = RetryConfig("none")


@pytest.fixture
def base_url(live_server, transactional_db):
    return live_server.url + "/codat-sandbox"


def platform(base_url, transport, key=None, retry_config=NO_RETRIES):
    return CodatPlatform(
        security=shared.Security(auth_header=basic(key) if key else basic()),
        server_url=base_url,
        retry_config=retry_config,
        client=transport,
    )


@pytest.fixture
def transport():
    # The SDK's own urllib3 pool is never closed; with an httpx client of ours, closed at
    # teardown, no kept-alive connection outlives the live server (whose thread would then close
    # a database connection it no longer shares).
    with httpx.Client() as client:
        yield client


@pytest.fixture
def sdk(base_url, transport):
    return platform(base_url, transport)


@pytest.fixture
def http():
    with requests.Session() as session:
        session.headers["Authorization"] = basic()
        yield session


def test_official_sdk_end_to_end(sdk, base_url):
    company = sdk.companies.create(request={"name": "Acme Ltd", "tags": {"ownerId": "42"}})
    assert company.redirect == f"{base_url}/link/company/{company.id}"
    assert company.tags == {"ownerId": "42"}
    found = sdk.companies.list(request={"tags": "ownerId=42"})
    assert [c.id for c in found.results] == [company.id]
    assert found.links.current.href == "/companies?page=1&pageSize=100&tags=ownerId%3D42"

    accounting = sdk.integrations.list(request={"query": "sourceType=Accounting&&enabled=true"})
    keys = {i.key for i in accounting.results}
    assert {"gbol", "qhyg", "pqsw", "mqjo"} <= keys and "dfxm" not in keys
    assert sdk.integrations.get(request={"platform_key": "pqsw"}).is_offline_connector is True
    branding = sdk.integrations.get_branding(request={"platform_key": "qhyg"})
    assert branding.button.hover.image.src.endswith("/assets/qhyg/button-hover.svg")

    ids = {"company_id": company.id}
    connection = sdk.connections.create(request={**ids, "request_body": {"platform_key": "gbol"}})
    assert connection.status.value == "PendingAuth"
    assert connection.link_url.startswith(f"{base_url}/link/companies/{company.id}/")
    both = {**ids, "connection_id": connection.id}
    assert sdk.connections.get(request=both).platform_name == "Xero"
    assert [c.id for c in sdk.connections.list(request=ids).results] == [connection.id]

    control.complete_link(connection.id)
    assert sdk.connections.get(request=both).status.value == "Linked"
    assert sdk.refresh_data.get(request=ids).invoices.current_status.value == "Queued"
    unlinked = sdk.connections.unlink(
        request={**both, "update_connection_status": {"status": "Unlinked"}}
    )
    assert unlinked.status.value == "Unlinked"

    assert sdk.connections.delete(request=both) is None
    assert sdk.companies.delete(request=ids) is None
    with pytest.raises(errors.ErrorMessage) as missing:
        sdk.companies.get(request=ids)
    assert missing.value.status_code == 404
    assert missing.value.data.correlation_id


def test_official_sdk_sees_typed_errors(base_url, transport):
    with pytest.raises(errors.ErrorMessage) as unauthorized:
        platform(base_url, transport, key="wrong-key").companies.list()
    assert unauthorized.value.status_code == 401
    assert unauthorized.value.data.can_be_retried == "Unknown"


def test_official_sdk_retries_a_503_and_succeeds(base_url, transport):
    control.fail_next(1, "http_503")
    retry = RetryConfig("backoff", BackoffStrategy(10, 50, 1.5, 5000), False)
    sdk = platform(base_url, transport, retry_config=retry)
    assert sdk.companies.list().total_results == 0
    assert [r["status"] for r in control.request_log()] == [503, 200]


def test_dropped_connection_is_a_connection_error(base_url, http):
    control.fail_next(1, "drop")
    with pytest.raises(requests.ConnectionError):
        http.get(base_url + "/companies", timeout=10)
    assert http.get(base_url + "/companies", timeout=10).status_code == 200


def test_late_create_times_out_but_happens(base_url, http):
    control.late_create(seconds=0.5)
    with pytest.raises(requests.ConnectionError):
        http.post(
            base_url + "/companies", json={"name": "Ghost", "tags": {"uid": "g1"}}, timeout=10
        )
    assert http.get(base_url + "/companies?tags=uid%3Dg1", timeout=10).json()["results"] == []
    deadline = time.monotonic() + 10
    while not http.get(base_url + "/companies?tags=uid%3Dg1", timeout=10).json()["results"]:
        assert time.monotonic() < deadline, "the late create never showed"
        time.sleep(0.05)
    assert control.request_count("POST", "/companies") == 1


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body.decode()))
        # Holds every answer until the test releases it: a receiver that is slow to answer.
        self.server.release.wait(20)
        status = self.server.statuses.pop(0) if self.server.statuses else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(codat_sandbox_settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.statuses, server.release = [], [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    codat_sandbox_settings.update(
        {
            "WEBHOOK_URL": f"http://127.0.0.1:{server.server_port}/codat/webhooks",
            "WEBHOOK_SECRETS": [WEBHOOK_SECRET],
            "WEBHOOK_DELIVERY": "background",
            "WEBHOOK_RETRY_SCHEDULE": [0.1, 0.1],
        }
    )
    yield server
    server.release.set()
    assert worker.wait_idle(timeout=20), "the webhook thread did not finish"
    server.shutdown()
    server.server_close()


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_background_thread_delivers_and_retries(base_url, http, endpoint):
    endpoint.statuses = [500]
    response = http.post(base_url + "/companies", json={"name": "Hooked Ltd"}, timeout=10)
    # The API answered while the receiver still holds the delivery: changes never wait on it.
    assert response.status_code == 200
    wait_for(lambda: len(endpoint.received) == 1)
    assert control.webhook_deliveries()[0]["attempts"] == 0
    endpoint.release.set()
    wait_for(lambda: len(endpoint.received) >= 2)
    (first_headers, first_body), (second_headers, second_body) = endpoint.received[:2]
    assert first_headers["webhook-id"] == second_headers["webhook-id"]
    event = Webhook(WEBHOOK_SECRET).verify(second_body, second_headers)
    assert event["eventType"] == "company.created"
    assert event["payload"]["id"] == response.json()["id"]
    wait_for(lambda: control.webhook_deliveries()[0]["status"] == "delivered")
    assert json.loads(first_body) == event
