import json

import pytest
from django.conf import settings as django_settings

API = "/sandbox/v1"


@pytest.fixture(autouse=True)
def sandbox_enabled(settings):
    settings.CONDUCTOR_SANDBOX = {"ENABLED": True}


@pytest.fixture
def secret_key():
    return django_settings.CONDUCTOR["SECRET_KEY"]


@pytest.fixture
def publishable_key():
    return django_settings.CONDUCTOR["PUBLISHABLE_KEY"]


class Api:
    """Django's test client speaking to the sandbox API with the secret key."""

    def __init__(self, client, key):
        self.client = client
        self.key = key

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.key}", **(headers or {})}

    def get(self, path, headers=None):
        return self.client.get(API + path, headers=self._headers(headers))

    def post(self, path, body=None, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            API + path, data, content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path, headers=None):
        return self.client.delete(API + path, headers=self._headers(headers))

    def create_end_user(self, company="Acme Ltd", source_id="user-1", email="a@acme.test"):
        response = self.post(
            "/end-users", {"companyName": company, "sourceId": source_id, "email": email}
        )
        assert response.status_code == 200, response.content
        return response.json()

    def create_auth_session(self, end_user_id, publishable_key, **extra):
        response = self.post(
            "/auth-sessions", {"publishableKey": publishable_key, "endUserId": end_user_id, **extra}
        )
        assert response.status_code == 200, response.content
        return response.json()

    def health_check(self, end_user_id):
        return self.get(
            "/quickbooks-desktop/health-check", headers={"Conductor-End-User-Id": end_user_id}
        )


@pytest.fixture
def api(client, secret_key, db):
    return Api(client, secret_key)


def assert_error(response, status, code, type_):
    """The full Conductor error envelope, with requestId equal to the header."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert {"message", "userFacingMessage", "type", "code", "httpStatusCode", "requestId"} <= set(
        error
    )
    assert error["code"] == code
    assert error["type"] == type_
    assert error["httpStatusCode"] == status
    assert error["requestId"] == response["Conductor-Request-Id"]
    assert error["requestId"].startswith("req_")
    return error
