"""The JSON control endpoint and the dashboard."""

import json
from typing import get_args

import pytest
from django.test import Client

from conductor_django.sandbox import control, sessions
from conductor_django.sandbox.models import FaultKind, Scenario

pytestmark = pytest.mark.urls("tests.sandbox.urls")

CONTROL = "/sandbox/control/"


@pytest.fixture
def call(client, secret_key, db):
    def call(action, key=secret_key, **kwargs):
        return client.post(
            CONTROL,
            json.dumps({"action": action, **kwargs}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"} if key else {},
        )

    return call


def test_the_typed_names_are_the_ones_the_sandbox_accepts():
    # The Literals a host's type checker holds its calls to, against the models' choices.
    assert get_args(control.ScenarioName) == tuple(Scenario.values) == control.SCENARIOS
    assert get_args(control.FaultKindName) == tuple(FaultKind.values) == control.FAULT_KINDS
    assert get_args(sessions.Outcome) == sessions.OUTCOMES


@pytest.mark.parametrize("key", [None, "sk_conductor_wrong"])
def test_control_requires_the_secret_key(call, api, key):
    api.create_end_user()
    response = call("reset", key=key)
    assert response.status_code == 401
    assert response.json()["ok"] is False
    assert len(control.end_users()) == 1


def test_control_only_accepts_post(client, db, secret_key):
    response = client.get(CONTROL, headers={"Authorization": f"Bearer {secret_key}"})
    assert response.status_code == 405


def test_control_drives_scenarios_and_reads_state(call, api):
    user = api.create_end_user()
    response = call("set_scenario", end_user_id=user["id"], scenario="not_active")
    assert response.json() == {"ok": True, "result": None}
    assert api.health_check(user["id"]).status_code == 502
    assert call("scenario", end_user_id=user["id"]).json()["result"] == "not_active"
    users = call("end_users").json()["result"]
    assert [(u["id"], u["scenario"]) for u in users] == [(user["id"], "not_active")]
    count = call("request_count", method="GET", path="/quickbooks-desktop/health-check")
    assert count.json()["result"] == 1


def test_control_faults_and_auth_flow(call, api, publishable_key):
    user = api.create_end_user()
    session = api.create_auth_session(user["id"], publishable_key)
    assert call("complete_auth_flow", client_secret=session["clientSecret"]).json()["ok"]
    assert api.health_check(user["id"]).status_code == 200

    assert call("fail_next", n=1, kind="rate_limit", path="/end-users").json()["ok"]
    assert api.get("/end-users").status_code == 429
    assert call("set_faults", latency_ms=0, fault_rate=1, fault_kinds=["http_500"]).json()["ok"]
    assert api.get("/end-users").status_code == 500
    assert call("clear_faults").json()["ok"]
    assert api.get("/end-users").status_code == 200


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"action": "drop_database"}, 400),
        ({}, 400),
        ({"action": "set_scenario", "end_user_id": "end_usr_x", "scenario": "connected"}, 404),
        ({"action": "set_scenario", "end_user_id": "x", "scenario": "connected", "z": 1}, 400),
        ({"action": "fail_next", "n": 1, "kind": "explode"}, 400),
        ({"action": "fail_next", "n": float("inf"), "kind": "drop"}, 400),
        ({"action": "complete_auth_flow", "client_secret": "nope"}, 404),
    ],
)
def test_control_errors(client, secret_key, db, payload, status):
    response = client.post(
        CONTROL,
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret_key}"},
    )
    assert response.status_code == status
    body = response.json()
    assert body["ok"] is False
    assert body["error"]


def test_control_rejects_non_json(client, secret_key, db):
    response = client.post(
        CONTROL,
        "nope",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {secret_key}"},
    )
    assert response.status_code == 400


def test_dashboard_lists_state_without_revealing_secrets(api, client, publishable_key, secret_key):
    user = api.create_end_user(company="Globex")
    session = api.create_auth_session(user["id"], publishable_key)
    control.fail_next(2, "html_502", method="POST")
    page = client.get("/sandbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert user["id"] in html
    assert "Globex" in html
    assert "pending" in html
    assert "auth_sess_client_secret_" in html
    assert session["clientSecret"] not in html
    assert secret_key not in html
    assert "POST /end-users" in html  # the request log
    assert 'id="reset"' in html


def test_dashboard_forms_switch_scenario_set_faults_and_reset(api, publishable_key):
    browser = Client(enforce_csrf_checks=True)
    user = api.create_end_user()
    token = str(browser.get("/sandbox/").context["csrf_token"])

    response = browser.post(
        "/sandbox/scenario",
        {"end_user_id": user["id"], "scenario": "qbd_not_running", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert control.scenario(user["id"]) == "qbd_not_running"

    browser.post(
        "/sandbox/faults",
        {
            "latency_ms": "0",
            "fault_rate": "1",
            "fault_kinds": ["http_503"],
            "retry_after_seconds": "2",
            "csrfmiddlewaretoken": token,
        },
    )
    assert api.get("/end-users").status_code == 503
    browser.post("/sandbox/faults/clear", {"csrfmiddlewaretoken": token})
    browser.post(
        "/sandbox/faults/next",
        {"n": "1", "kind": "http_500", "method": "GET", "path": "", "csrfmiddlewaretoken": token},
    )
    assert api.get("/end-users").status_code == 500
    assert api.get("/end-users").status_code == 200

    browser.post("/sandbox/reset", {"csrfmiddlewaretoken": token})
    assert control.end_users() == []


def test_dashboard_forms_need_csrf(api):
    user = api.create_end_user()
    response = Client(enforce_csrf_checks=True).post(
        "/sandbox/scenario", {"end_user_id": user["id"], "scenario": "connected"}
    )
    assert response.status_code == 403
    assert control.scenario(user["id"]) == "not_set_up"
