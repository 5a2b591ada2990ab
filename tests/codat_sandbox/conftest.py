import base64
import json
from typing import Any

import pytest
import responses
from django.test import Client
from standardwebhooks import Webhook

from conductor_django.codat.sandbox import control

MOUNT = "/codat-sandbox"
API_KEY = "codat_sandbox_test_key_0123456789abcdef"
WEBHOOK_URL = "https://app.example.test/codat/webhooks"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"codat-sandbox-test-secret-0123456").decode()


def basic(key: str = API_KEY) -> str:
    return "Basic " + base64.b64encode(key.encode()).decode()


@pytest.fixture(autouse=True)
def codat_sandbox_settings(settings):
    # "manual": nothing is sent until a test calls control.deliver_pending(), so every webhook
    # test is deterministic; the background thread has its own live test.
    settings.CODAT_SANDBOX = {
        "ENABLED": True,
        "API_KEY": API_KEY,
        "WEBHOOK_DELIVERY": "manual",
        "BASE_URL": "http://testserver/codat-sandbox",
    }
    return settings.CODAT_SANDBOX


class Api:
    """Django's test client speaking to the Codat sandbox with the API key."""

    def __init__(self, client: Client, key: str = API_KEY) -> None:
        self.client = client
        self.key = key

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": basic(self.key), **(headers or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any):
        return self.client.get(MOUNT + path, params or None, headers=self._headers(headers))

    def _send(self, method: str, path: str, body: Any, raw: str | None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(
            MOUNT + path, data, content_type="application/json", headers=self._headers(None)
        )

    def post(self, path: str, body: Any = None, raw: str | None = None):
        return self._send("post", path, body, raw)

    def put(self, path: str, body: Any = None, raw: str | None = None):
        return self._send("put", path, body, raw)

    def patch(self, path: str, body: Any = None, raw: str | None = None):
        return self._send("patch", path, body, raw)

    def delete(self, path: str):
        return self.client.delete(MOUNT + path, headers=self._headers(None))

    def create_company(self, name: str = "Acme Ltd", **extra: Any) -> dict[str, Any]:
        response = self.post("/companies", {"name": name, **extra})
        assert response.status_code == 200, response.content
        return response.json()

    def create_connection(self, company_id: str, key: str = "gbol") -> dict[str, Any]:
        response = self.post(f"/companies/{company_id}/connections", {"platformKey": key})
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def api(client, db) -> Api:
    return Api(client)


def assert_error(response, status: int, service: str = "PublicApi") -> dict[str, Any]:
    """Codat's full error shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {
        "statusCode",
        "service",
        "error",
        "correlationId",
        "validation",
        "canBeRetried",
        "detailedErrorCode",
    }
    assert body["statusCode"] == status
    assert body["service"] == service
    assert body["canBeRetried"] == "Unknown"
    assert body["detailedErrorCode"] == 0
    assert len(body["correlationId"]) == 32
    return body


class Receiver:
    """The host's webhook endpoint, as ``responses`` sees it: records every delivery and
    answers with the next queued status (200 once the queue is empty)."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.requests: list[Any] = []
        self.statuses: list[int] = []
        mock.add_callback(responses.POST, WEBHOOK_URL, callback=self._answer)

    def _answer(self, request):
        self.requests.append(request)
        return (self.statuses.pop(0) if self.statuses else 200), {}, ""

    def verify(self, request, secret: str = WEBHOOK_SECRET) -> dict[str, Any]:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        return Webhook(secret).verify(body, dict(request.headers))

    def events(self) -> list[dict[str, Any]]:
        return [self.verify(r) for r in self.requests]


@pytest.fixture
def receiver(codat_sandbox_settings):
    codat_sandbox_settings.update({"WEBHOOK_URL": WEBHOOK_URL, "WEBHOOK_SECRETS": [WEBHOOK_SECRET]})
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield Receiver(mock)


def link_path(connection: dict[str, Any]) -> str:
    """The Link page path (with its query) from a connection's absolute ``linkUrl``."""
    return connection["linkUrl"].removeprefix("http://testserver")


def deliver() -> list[dict[str, Any]]:
    return control.deliver_pending()
