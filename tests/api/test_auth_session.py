import json
import logging

import pytest

from conductor_django.models import AuthSessionRecord

from .conftest import url
from .openapi import assert_documented

pytestmark = pytest.mark.django_db


def sent_auth_session(fake_conductor):
    call = next(c for c in reversed(fake_conductor.mock.calls) if "/auth-sessions" in c.request.url)
    return json.loads(call.request.body)


def test_creates_an_auth_session_for_a_single_page_front_end(api, user, fake_conductor):
    response = api.post(url("auth-session"))
    assert response.status_code == 201
    assert_documented(response, "/auth-session/", "post")
    body = response.json()
    session = fake_conductor.auth_sessions[-1]
    assert body == {
        "id": session["id"],
        "authFlowUrl": session["authFlowUrl"],
        "expiresAt": session["expiresAt"],
    }
    assert session["endUserId"] == user.conductor_end_user_id
    assert session["redirectUrl"] is None
    assert response.headers["Cache-Control"] == "no-store"
    record = AuthSessionRecord.objects.get(auth_session_id=session["id"])
    assert (record.reason, record.issued_by, record.end_user_id) == (
        "api",
        user,
        user.conductor_end_user_id,
    )


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("/dashboard/?tab=quickbooks", "http://testserver/dashboard/?tab=quickbooks"),
        ("http://testserver/app/done", "http://testserver/app/done"),
    ],
)
def test_redirect_url_on_this_site_is_passed_to_conductor_as_absolute(
    api, fake_conductor, given, sent
):
    response = api.post(
        url("auth-session"), {"redirectUrl": given}, content_type="application/json"
    )
    assert response.status_code == 201
    assert sent_auth_session(fake_conductor)["redirectUrl"] == sent
    assert AuthSessionRecord.objects.get().redirect_url == sent.split("?")[0]


@pytest.mark.parametrize(
    "given",
    ["https://evil.example/steal", "//evil.example/", "javascript:alert(1)", "ftp://testserver/x"],
)
def test_redirect_url_elsewhere_is_refused(api, fake_conductor, given):
    response = api.post(
        url("auth-session"), {"redirectUrl": given}, content_type="application/json"
    )
    assert response.status_code == 400
    assert_documented(response, "/auth-session/", "post")
    assert response.json()["error"]["code"] == "INVALID_REDIRECT_URL"
    assert fake_conductor.auth_sessions == []
    assert not AuthSessionRecord.objects.exists()


def test_redirect_url_may_come_as_a_form_field(api, fake_conductor):
    response = api.post(url("auth-session"), {"redirectUrl": "/dashboard/"})
    assert response.status_code == 201
    assert sent_auth_session(fake_conductor)["redirectUrl"] == "http://testserver/dashboard/"


def test_malformed_json_is_an_invalid_request(api, fake_conductor):
    response = api.post(url("auth-session"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_REQUEST"
    assert fake_conductor.auth_sessions == []


def test_auth_flow_url_is_never_logged(api, fake_conductor, caplog):
    caplog.set_level(logging.DEBUG)
    body = api.post(url("auth-session")).json()
    secret = fake_conductor.auth_sessions[-1]["clientSecret"]
    assert body["authFlowUrl"] not in caplog.text
    assert secret not in caplog.text
