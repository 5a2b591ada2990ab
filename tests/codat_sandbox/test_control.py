"""The JSON control endpoint and the dashboard."""

import json

import pytest

from conductor_django.codat.sandbox import control

from .conftest import API_KEY, MOUNT, basic

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")

CONTROL = f"{MOUNT}/control/"
ACTION = f"{MOUNT}/dashboard/action"


@pytest.fixture
def call(client, db):
    def call(action, authorization=f"Bearer {API_KEY}", **kwargs):
        return client.post(
            CONTROL,
            json.dumps({"action": action, **kwargs}),
            content_type="application/json",
            headers={"Authorization": authorization} if authorization else {},
        )

    return call


@pytest.mark.parametrize("authorization", [None, "Bearer nope", basic("nope"), f"Basic {API_KEY}"])
def test_control_requires_the_api_key(call, api, authorization):
    api.create_company()
    response = call("reset", authorization=authorization)
    assert response.status_code == 401
    assert response.json()["ok"] is False
    assert len(control.companies()) == 1


def test_control_takes_bearer_or_basic(call):
    assert call("faults").json()["ok"] is True
    assert call("faults", authorization=basic()).json()["ok"] is True


def test_control_only_accepts_post(client, db):
    response = client.get(CONTROL, headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_control_errors(call, client):
    assert call("explode").status_code == 400
    assert "unexpected keyword" in call("faults", colour="red").json()["error"]
    assert call("revoke", connection_id="nope").status_code == 404
    response = client.post(
        CONTROL, "[1]", content_type="application/json", headers={"Authorization": basic()}
    )
    assert response.status_code == 400


def test_control_drives_the_sandbox(call, api):
    company = call("create_company", name="Acme", tags={"ownerId": "1"}).json()["result"]
    connection = call("create_connection", company_id=company["id"], platform_key="qhyg").json()
    connection = connection["result"]
    assert connection["status"] == "PendingAuth"
    call("set_redirect_url", url="https://a.test/{statusCode}?s={state}")
    result = call("complete_link", connection_id=connection["id"], state="x").json()["result"]
    assert result == {
        "statusCode": 200,
        "errorMessage": "",
        "statusText": "",
        "redirectUrl": "https://a.test/200?s=x",
    }
    refused = call("unlink", connection_id=connection["id"])
    assert refused.json()["ok"] is True
    again = call("unlink", connection_id=connection["id"])
    assert again.status_code == 400 and "Only Linked" in again.json()["error"]
    [listed] = call("companies").json()["result"]
    assert listed["dataConnections"][0]["status"] == "Unlinked"
    assert call("request_count").json()["result"] == 0
    api.get("/companies")
    assert call("request_count", method="GET", path="/companies").json()["result"] == 1
    assert call("webhook_deliveries", event_type="connection.disconnected").json()["result"]


def test_dashboard_renders_everything(client, api):
    company = api.create_company("Dash Ltd")
    connection = api.create_connection(company["id"], "pqsw")
    control.complete_link(connection["id"])
    api.get("/integrations")
    control.fail_next(1, "http_503")
    html = client.get(f"{MOUNT}/").content.decode()
    assert f'id="company-{company["id"]}"' in html
    assert f'id="connection-{connection["id"]}"' in html
    assert 'data-status="Linked"' in html
    assert "Connector online" in html  # QuickBooks Desktop's switch
    assert 'id="integrations"' in html and "QuickBooks Desktop" in html
    assert 'id="webhook-deliveries"' in html and "connection.connected" in html
    assert 'id="request-log"' in html and "GET /integrations" in html
    assert 'id="pending-faults"' in html
    assert f"{MOUNT}/link/companies/{company['id']}/connections/{connection['id']}/start" in html


def _post(client, **data):
    page = client.get(f"{MOUNT}/")
    assert page.status_code == 200
    return client.post(ACTION, data)


def test_dashboard_actions(client, api):
    company = api.create_company()
    connection = api.create_connection(company["id"])
    response = _post(client, action="connection", connection_id=connection["id"], operation="link")
    assert response.status_code == 302
    assert control.companies()[0]["dataConnections"][0]["status"] == "Linked"

    failed = _post(client, action="connection", connection_id=connection["id"], operation="fail")
    assert "notice" not in failed["Location"]
    assert control.companies()[0]["dataConnections"][0]["dataConnectionErrors"]
    _post(client, action="connection", connection_id=connection["id"], operation="revoke")
    refused = _post(client, action="connection", connection_id=connection["id"], operation="revoke")
    notice = client.get(refused["Location"]).content.decode()
    assert 'id="notice"' in notice and "Only Linked" in notice

    _post(client, action="fail_next", n=2, kind="rate_limit", path="/companies")
    assert control.faults()["pending"][0]["remaining"] == 2
    _post(client, action="clear_faults")
    assert control.faults()["pending"] == []
    _post(client, action="profile", redirect_url="https://x.test/{statusCode}", one_time_links="on")
    assert api.get("/profile").json()["redirectUrl"] == "https://x.test/{statusCode}"
    assert "?otp=" in control.link_url(connection["id"])
    _post(client, action="sync_timing", queued_seconds=1, fetching_seconds=2)
    assert 'value="2.0"' in client.get(f"{MOUNT}/").content.decode()
    _post(client, action="webhook", operation="duplicate")
    assert [d["variant"] for d in control.webhook_deliveries()][-1] == "duplicate"
    _post(client, action="reset")
    assert control.companies() == []
