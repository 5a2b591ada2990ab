"""The hosted auth flow pages."""

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from conductor_django.sandbox import control

from .conftest import assert_error

pytestmark = pytest.mark.urls("tests.sandbox.urls")


@pytest.fixture
def user(api):
    return api.create_end_user(company="Acme & Sons")


@pytest.fixture
def session(api, user, publishable_key):
    return api.create_auth_session(user["id"], publishable_key)


def flow_path(session, suffix=""):
    url = urlsplit(session["authFlowUrl"])
    return f"{url.path}{suffix}?{url.query}"


def browser():
    return Client(enforce_csrf_checks=True)


def csrf_post(client, path, outcome):
    """Submit the outcome form the way a browser does: with the page's CSRF token."""
    page = client.get(path.replace("/complete?", "/authorize?"))
    token = page.context["csrf_token"]
    return client.post(path, {"outcome": outcome, "csrfmiddlewaretoken": str(token)})


def test_walkthrough_pages_link_to_each_other(session):
    client = browser()
    step1 = client.get(session["authFlowUrl"])
    assert step1.status_code == 200
    html = step1.content.decode()
    assert 'id="download-qwc"' in html
    assert 'id="continue"' in html
    assert "Acme &amp; Sons" in html
    assert f'href="{flow_path(session, "/app.qwc")}"' in html
    assert f'href="{flow_path(session, "/password")}"' in html

    step2 = client.get(flow_path(session, "/password"))
    assert step2.status_code == 200
    assert 'id="wc-password"' in step2.content.decode()
    assert f'href="{flow_path(session, "/authorize")}"' in step2.content.decode()

    step3 = client.get(flow_path(session, "/authorize"))
    html = step3.content.decode()
    for element in ("outcome-connect", "outcome-wrong-permission", "outcome-abandon"):
        assert f'id="{element}"' in html
    assert "Yes, always; allow access even if QuickBooks is not running" in html
    assert "csrfmiddlewaretoken" in html


def test_qwc_file_is_a_web_connector_file(session):
    response = browser().get(flow_path(session, "/app.qwc"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="conductor-sandbox.qwc"'
    root = ElementTree.fromstring(response.content)
    assert root.tag == "QBWCXML"
    for tag in ("AppName", "AppID", "AppURL", "AppDescription", "AppSupport", "UserName"):
        assert root.find(tag) is not None, tag
    assert "Acme & Sons" in root.findtext("AppName")
    assert root.findtext("AppURL").startswith("http://testserver/sandbox/")
    for tag in ("OwnerID", "FileID"):
        value = root.findtext(tag)
        assert value.startswith("{") and value.endswith("}") and len(value) == 38
    assert root.findtext("QBType") == "QBFS"
    assert root.findtext("Scheduler/RunEveryNMinutes") == "1"
    # Downloading twice gives the same file, so the Web Connector sees one application.
    again = ElementTree.fromstring(browser().get(flow_path(session, "/app.qwc")).content)
    assert again.findtext("FileID") == root.findtext("FileID")


def test_password_page_shows_a_password(session):
    html = browser().get(flow_path(session, "/password")).content.decode()
    password = html.split('id="wc-password" class="secret">')[1].split("<")[0]
    assert len(password) >= 12


def test_opening_the_flow_creates_the_connection_record(api, user, session):
    assert api.get(f"/end-users/{user['id']}").json()["integrationConnections"] == []
    browser().get(session["authFlowUrl"])
    assert len(api.get(f"/end-users/{user['id']}").json()["integrationConnections"]) == 1
    assert control.auth_sessions()[0]["status"] == "pending"


def test_connect_redirects_exactly_to_redirect_url_and_connects(api, user, publishable_key):
    url = "https://app.example.com/qb/return?state=xyz&n=1"
    session = api.create_auth_session(user["id"], publishable_key, redirectUrl=url)
    client = browser()
    client.get(session["authFlowUrl"])
    response = csrf_post(client, flow_path(session, "/complete"), "connect")
    assert response.status_code == 302
    assert response["Location"] == url
    assert api.health_check(user["id"]).json()["status"] == "ok"
    assert control.auth_sessions()[0]["status"] == "completed"


def test_connect_without_redirect_url_says_close_the_tab(api, user, session):
    client = browser()
    client.get(session["authFlowUrl"])
    response = csrf_post(client, flow_path(session, "/complete"), "connect")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="flow-done"' in html
    assert "You can close this tab" in html


def test_wrong_permission_completes_but_health_check_fails_with_0x80040420(
    api, user, publishable_key
):
    session = api.create_auth_session(user["id"], publishable_key, redirectUrl="http://x.test/r")
    client = browser()
    client.get(session["authFlowUrl"])
    response = csrf_post(client, flow_path(session, "/complete"), "wrong_permission")
    assert response["Location"] == "http://x.test/r"
    error = assert_error(
        api.health_check(user["id"]), 502, "QBD_CONNECTION_ERROR", "INTEGRATION_CONNECTION_ERROR"
    )
    assert error["integrationCode"] == "0x80040420"


def test_abandon_leaves_the_connection_not_set_up(api, user, publishable_key):
    session = api.create_auth_session(user["id"], publishable_key, redirectUrl="http://x.test/r")
    client = browser()
    client.get(session["authFlowUrl"])
    response = csrf_post(client, flow_path(session, "/complete"), "abandon")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="flow-abandoned"' in html
    assert 'id="back-to-app" href="http://x.test/r"' in html
    assert api.health_check(user["id"]).status_code == 409
    assert control.auth_sessions()[0]["status"] == "abandoned"
    # The link still works until it expires, like the real one.
    assert client.get(session["authFlowUrl"]).status_code == 200
    assert control.auth_sessions()[0]["status"] == "pending"


def test_outcome_post_without_csrf_token_is_refused(api, user, session):
    response = browser().post(flow_path(session, "/complete"), {"outcome": "connect"})
    assert response.status_code == 403
    assert api.health_check(user["id"]).status_code == 409


def test_unknown_outcome_is_400(session):
    client = browser()
    assert csrf_post(client, flow_path(session, "/complete"), "explode").status_code == 400


def test_used_link_is_gone(session):
    client = browser()
    csrf_post(client, flow_path(session, "/complete"), "connect")
    for suffix in ("", "/password", "/authorize", "/app.qwc"):
        response = client.get(flow_path(session, suffix))
        assert response.status_code == 410
        assert 'data-reason="completed"' in response.content.decode()


def test_expired_link_is_gone(api, user, session):
    control.expire_auth_session(session["clientSecret"])
    client = browser()
    response = client.get(session["authFlowUrl"])
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert control.auth_sessions()[0]["status"] == "expired"
    assert api.get(f"/end-users/{user['id']}").json()["integrationConnections"] == []


def test_unknown_session_is_404_page(publishable_key, db):
    response = browser().get(f"/sandbox/qbd/auth_sess_client_secret_nope?key={publishable_key}")
    assert response.status_code == 404
    assert 'data-reason="unknown"' in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("query", ["", "?key=", "?key=pk_conductor_someone_else"])
def test_missing_or_wrong_key_is_403_page(session, query):
    path = urlsplit(session["authFlowUrl"]).path + query
    response = browser().get(path)
    assert response.status_code == 403
    assert 'data-reason="bad-key"' in response.content.decode()


def test_complete_auth_flow_from_code_refuses_expired_sessions(session):
    control.expire_auth_session(session["clientSecret"])
    with pytest.raises(ValueError):
        control.complete_auth_flow(session["clientSecret"])
    with pytest.raises(LookupError):
        control.complete_auth_flow("auth_sess_client_secret_nope")
