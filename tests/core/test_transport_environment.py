"""The clients read the proxy settings of the environment when they are built, over real HTTP to
a local server that plays the provider and a forward proxy; a ``.netrc`` entry for the
provider's host never replaces the API key."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conductor_django.codat.client import CodatClient
from tests.codat.payloads import company_json

API_KEY = "codat_transport_env_key_0123456789"
COMPANY = company_json("c-1", name="Acme Ltd")


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET with a company and records the request line and Authorization."""

    seen: list[tuple[str, str | None]]

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Authorization")))
        body = json.dumps(COMPANY).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    handler = type("Handler", (Recorder,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, handler.seen
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "absent-netrc"))
    return monkeypatch


def test_a_proxy_in_the_environment_carries_the_calls(server, clean_environment):
    httpd, seen = server
    clean_environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{httpd.server_port}")
    client = CodatClient(API_KEY, base_url="http://codat.invalid", max_retries=0)

    assert client.get_company("c-1").name == "Acme Ltd"
    # A forward proxy gets the absolute URL: the call went through it, not to codat.invalid.
    assert seen[0][0] == "http://codat.invalid/companies/c-1"


def test_no_proxy_for_the_provider_host_goes_direct(server, clean_environment):
    httpd, seen = server
    clean_environment.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # discard: nothing answers
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    client = CodatClient(API_KEY, base_url=f"http://127.0.0.1:{httpd.server_port}", max_retries=0)

    assert client.get_company("c-1").id == "c-1"
    assert seen[0][0] == "/companies/c-1"


def test_a_netrc_entry_for_the_host_does_not_replace_the_api_key(
    server, clean_environment, tmp_path
):
    httpd, seen = server
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password other-secret\n")
    netrc.chmod(0o600)
    clean_environment.setenv("NETRC", str(netrc))
    client = CodatClient(API_KEY, base_url=f"http://127.0.0.1:{httpd.server_port}", max_retries=0)

    client.get_company("c-1")

    assert seen[0][1] == "Basic " + base64.b64encode(API_KEY.encode()).decode()
