"""The emulated API's contract: shapes, statuses, headers and validation."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from conductor_django.sandbox import control
from conductor_django.sandbox.errors import MASKED

from .conftest import API, assert_error

pytestmark = pytest.mark.urls("tests.sandbox.urls")

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def parse(ts):
    assert TIMESTAMP.match(ts), ts
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_create_end_user_answers_200_with_exactly_conductors_keys(api):
    response = api.post(
        "/end-users", {"companyName": "Acme Ltd", "sourceId": "user-42", "email": "a@acme.test"}
    )
    assert response.status_code == 200
    assert response["Conductor-Request-Id"].startswith("req_")
    user = response.json()
    assert set(user) == {
        "id",
        "objectType",
        "createdAt",
        "companyName",
        "sourceId",
        "email",
        "integrationConnections",
    }
    assert user["id"].startswith("end_usr_")
    assert user["objectType"] == "end_user"
    parse(user["createdAt"])
    assert (user["companyName"], user["sourceId"], user["email"]) == (
        "Acme Ltd",
        "user-42",
        "a@acme.test",
    )
    assert user["integrationConnections"] == []


def test_same_source_id_twice_creates_two_end_users(api):
    # Conductor does not deduplicate sourceId; clients must not rely on it doing so.
    first = api.create_end_user(source_id="dup")
    second = api.create_end_user(source_id="dup")
    assert first["id"] != second["id"]


def test_list_retrieve_delete(api):
    a = api.create_end_user(source_id="a")
    b = api.create_end_user(source_id="b")

    listing = api.get("/end-users")
    assert listing.status_code == 200
    body = listing.json()
    assert body["objectType"] == "list"
    assert body["url"] == "/v1/end-users"
    assert [u["id"] for u in body["data"]] == [a["id"], b["id"]]

    retrieved = api.get(f"/end-users/{a['id']}")
    assert retrieved.status_code == 200
    assert retrieved.json() == a

    deleted = api.delete(f"/end-users/{a['id']}")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": a["id"], "objectType": "end_user", "deleted": True}
    assert deleted["Conductor-Request-Id"].startswith("req_")
    assert_error(api.get(f"/end-users/{a['id']}"), 404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR")
    assert [u["id"] for u in api.get("/end-users").json()["data"]] == [b["id"]]


def test_delete_removes_connections_and_auth_sessions(api, publishable_key):
    user = api.create_end_user()
    session = api.create_auth_session(user["id"], publishable_key)
    control.complete_auth_flow(session["clientSecret"])
    api.delete(f"/end-users/{user['id']}")
    assert control.auth_sessions() == []
    assert_error(api.health_check(user["id"]), 404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR")


def test_unknown_end_user_is_404_for_retrieve_and_delete(api):
    for response in (api.get("/end-users/end_usr_nope"), api.delete("/end-users/end_usr_nope")):
        error = assert_error(response, 404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR")
        assert "end_usr_nope" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sourceId": "s", "email": "a@b.test"}, "companyName"),
        ({"companyName": "c", "email": "a@b.test"}, "sourceId"),
        ({"companyName": "c", "sourceId": "s"}, "email"),
        ({"companyName": 5, "sourceId": "s", "email": "a@b.test"}, "companyName"),
        ({"companyName": "c", "sourceId": ["s"], "email": "a@b.test"}, "sourceId"),
        ({"companyName": "c", "sourceId": "s", "email": "not-an-email"}, "email"),
        ({"companyName": "", "sourceId": "s", "email": "a@b.test"}, "companyName"),
        ({"companyName": "c", "sourceId": "s", "email": "a@b.test", "phone": "1"}, "phone"),
    ],
)
def test_end_user_validation_names_the_field_and_masks_the_user_message(api, body, field):
    error = assert_error(
        api.post("/end-users", body), 400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR"
    )
    assert f"`{field}`" in error["message"]
    assert error["userFacingMessage"] == MASKED
    assert control.end_users() == []


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "", '"text"'])
def test_non_json_or_non_object_body_is_400(api, raw):
    error = assert_error(
        api.post("/end-users", raw=raw), 400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR"
    )
    assert "JSON" in error["message"]


def test_auth_session_shape_and_flow_url(api, publishable_key):
    user = api.create_end_user()
    response = api.post(
        "/auth-sessions",
        {"publishableKey": publishable_key, "endUserId": user["id"], "linkExpiryMins": 60},
    )
    assert response.status_code == 200
    assert response["Conductor-Request-Id"].startswith("req_")
    session = response.json()
    assert set(session) == {
        "id",
        "objectType",
        "createdAt",
        "endUserId",
        "clientSecret",
        "authFlowUrl",
        "expiresAt",
        "redirectUrl",
    }
    assert session["id"].startswith("auth_sess_")
    assert session["objectType"] == "auth_session"
    assert session["endUserId"] == user["id"]
    assert session["clientSecret"].startswith("auth_sess_client_secret_")
    assert session["redirectUrl"] is None
    assert parse(session["expiresAt"]) - parse(session["createdAt"]) == timedelta(minutes=60)
    assert session["authFlowUrl"] == (
        f"http://testserver/sandbox/qbd/{session['clientSecret']}?key={publishable_key}"
    )


def test_auth_session_defaults_to_30_minutes_and_keeps_redirect_url(api, publishable_key):
    user = api.create_end_user()
    url = "https://app.example.com/quickbooks/return?state=abc"
    session = api.create_auth_session(user["id"], publishable_key, redirectUrl=url)
    assert parse(session["expiresAt"]) - parse(session["createdAt"]) == timedelta(minutes=30)
    assert session["redirectUrl"] == url


def test_auth_flow_url_follows_the_request_host(api, publishable_key):
    user = api.create_end_user()
    response = api.client.post(
        API + "/auth-sessions",
        {"publishableKey": publishable_key, "endUserId": user["id"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.key}", "Host": "localhost:8000"},
    )
    url = urlsplit(response.json()["authFlowUrl"])
    assert (url.scheme, url.netloc) == ("http", "localhost:8000")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"linkExpiryMins": 14}, "linkExpiryMins"),
        ({"linkExpiryMins": 10081}, "linkExpiryMins"),
        ({"linkExpiryMins": "60"}, "linkExpiryMins"),
        ({"linkExpiryMins": True}, "linkExpiryMins"),
        ({"redirectUrl": "/relative/path"}, "redirectUrl"),
        ({"redirectUrl": "ftp://example.com/x"}, "redirectUrl"),
        ({"redirectUrl": "javascript:alert(1)"}, "redirectUrl"),
        ({"redirectUrl": 7}, "redirectUrl"),
        ({"color": "blue"}, "color"),
    ],
)
def test_auth_session_validation(api, publishable_key, extra, field):
    user = api.create_end_user()
    error = assert_error(
        api.post(
            "/auth-sessions", {"publishableKey": publishable_key, "endUserId": user["id"], **extra}
        ),
        400,
        "INVALID_REQUEST",
        "INVALID_REQUEST_ERROR",
    )
    assert f"`{field}`" in error["message"]
    assert error["userFacingMessage"] == MASKED


@pytest.mark.parametrize("minutes", [15, 10080])
def test_link_expiry_bounds_are_inclusive(api, publishable_key, minutes):
    user = api.create_end_user()
    session = api.create_auth_session(user["id"], publishable_key, linkExpiryMins=minutes)
    assert parse(session["expiresAt"]) - parse(session["createdAt"]) == timedelta(minutes=minutes)


@pytest.mark.parametrize("missing", ["publishableKey", "endUserId"])
def test_auth_session_required_fields(api, publishable_key, missing):
    user = api.create_end_user()
    body = {"publishableKey": publishable_key, "endUserId": user["id"]}
    del body[missing]
    error = assert_error(
        api.post("/auth-sessions", body), 400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR"
    )
    assert f"`{missing}`" in error["message"]


def test_wrong_publishable_key_is_rejected(api):
    user = api.create_end_user()
    error = assert_error(
        api.post("/auth-sessions", {"publishableKey": "pk_other", "endUserId": user["id"]}),
        400,
        "PUBLISHABLE_KEY_INVALID",
        "INVALID_REQUEST_ERROR",
    )
    assert "`publishableKey`" in error["message"]
    assert control.auth_sessions() == []


def test_auth_session_for_unknown_end_user_is_404(api, publishable_key):
    assert_error(
        api.post("/auth-sessions", {"publishableKey": publishable_key, "endUserId": "end_usr_x"}),
        404,
        "RESOURCE_MISSING",
        "INVALID_REQUEST_ERROR",
    )


@pytest.mark.parametrize(
    "authorization", [None, "Bearer sk_conductor_wrong", "sk_conductor_test_secret", "Bearer "]
)
def test_bad_or_missing_secret_key_is_401_on_every_endpoint(client, db, secret_key, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    if authorization == "sk_conductor_test_secret":
        headers = {"Authorization": secret_key}  # the key without the Bearer scheme
    for method, path in [
        ("get", "/end-users"),
        ("post", "/end-users"),
        ("get", "/end-users/end_usr_1"),
        ("delete", "/end-users/end_usr_1"),
        ("post", "/auth-sessions"),
        ("get", "/quickbooks-desktop/health-check"),
    ]:
        response = getattr(client, method)(API + path, headers=headers)
        error = assert_error(response, 401, "API_KEY_INVALID", "AUTHENTICATION_ERROR")
        assert secret_key not in response.content.decode()
        assert error["userFacingMessage"] == MASKED


def test_sandbox_secret_key_setting_overrides_conductor_setting(client, db, settings, secret_key):
    settings.CONDUCTOR_SANDBOX = {"ENABLED": True, "SECRET_KEY": "sk_conductor_sandbox_only"}
    old = client.get(API + "/end-users", headers={"Authorization": f"Bearer {secret_key}"})
    assert old.status_code == 401
    new = client.get(
        API + "/end-users", headers={"Authorization": "Bearer sk_conductor_sandbox_only"}
    )
    assert new.status_code == 200


def test_wrong_method_is_405_in_the_envelope(api):
    response = api.client.put(API + "/end-users", headers=api._headers(None))
    error = assert_error(response, 405, "METHOD_NOT_ALLOWED", "INVALID_REQUEST_ERROR")
    assert response["Allow"] == "GET, POST"
    assert "PUT" in error["message"]
    assert_error(api.get("/auth-sessions"), 405, "METHOD_NOT_ALLOWED", "INVALID_REQUEST_ERROR")


def test_unknown_route_is_404_in_the_envelope(api):
    assert_error(api.get("/invoices"), 404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR")


def test_request_ids_are_unique_per_response(api):
    ids = {api.get("/end-users")["Conductor-Request-Id"] for _ in range(5)}
    assert len(ids) == 5


@override_settings(DEBUG=False, CONDUCTOR_SANDBOX={})
def test_sandbox_is_404_unless_debug_or_enabled(client, db, secret_key):
    headers = {"Authorization": f"Bearer {secret_key}"}
    assert client.get(API + "/end-users", headers=headers).status_code == 404
    assert client.get("/sandbox/").status_code == 404
    assert client.post("/sandbox/control/", {}, headers=headers).status_code == 404
    assert client.get("/sandbox/qbd/auth_sess_client_secret_x?key=pk").status_code == 404


@override_settings(DEBUG=True, CONDUCTOR_SANDBOX={})
def test_sandbox_serves_under_debug(client, db, secret_key):
    response = client.get(API + "/end-users", headers={"Authorization": f"Bearer {secret_key}"})
    assert response.status_code == 200
