"""Fault injection and the request log, through Django's test client."""

import random
import time

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from conductor_django.sandbox import control
from conductor_django.sandbox.faults import DroppedConnection
from conductor_django.sandbox.models import FaultConfig

from .conftest import API, assert_error

pytestmark = pytest.mark.urls("tests.sandbox.urls")


def consume(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("http_500", 500, "INTERNAL_SERVER_ERROR"),
        ("http_502", 502, "BAD_GATEWAY"),
        ("http_503", 503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_injected_5xx_uses_the_internal_error_envelope(api, kind, status, code):
    control.fail_next(1, kind)
    error = assert_error(api.get("/end-users"), status, code, "INTERNAL_ERROR")
    assert error["userFacingMessage"] == "An internal server error occurred. Please try again."
    assert api.get("/end-users").status_code == 200


def test_html_502_is_not_json(api):
    control.fail_next(1, "html_502")
    response = api.get("/end-users")
    assert response.status_code == 502
    assert response["Content-Type"].startswith("text/html")
    assert response["Conductor-Request-Id"].startswith("req_")
    assert b"502 Bad Gateway" in response.content
    with pytest.raises(ValueError):
        response.json()


def test_rate_limit_has_retry_after(api):
    control.fail_next(1, "rate_limit", retry_after_seconds=7)
    response = api.get("/end-users")
    assert_error(response, 429, "TOO_MANY_REQUESTS", "INVALID_REQUEST_ERROR")
    assert response["Retry-After"] == "7"


def test_fail_next_counts_down_and_respects_method_and_path(api):
    control.fail_next(2, "http_503", method="POST", path="/end-users")
    assert api.get("/end-users").status_code == 200
    body = {"companyName": "c", "sourceId": "s", "email": "a@b.test"}
    assert api.post("/end-users", body).status_code == 503
    assert api.post("/end-users", body).status_code == 503
    assert api.post("/end-users", body).status_code == 200
    assert len(control.end_users()) == 1
    assert control.faults()["pending"] == []


def test_fail_next_path_glob(api):
    user = api.create_end_user()
    control.fail_next(1, "http_500", path="/end-users/*")
    assert api.get("/end-users").status_code == 200
    assert api.get(f"/end-users/{user['id']}").status_code == 500


def test_drop_before_processing_creates_nothing(api):
    control.fail_next(1, "drop", method="POST", path="/end-users")
    response = api.post("/end-users", {"companyName": "c", "sourceId": "s", "email": "a@b.test"})
    with pytest.raises(DroppedConnection):
        consume(response)
    assert control.end_users() == []
    [entry] = control.request_log(method="POST")
    assert (entry["status"], entry["fault"]) == (None, "drop")


def test_drop_answers_nothing_under_asgi(db, secret_key):
    # An ASGI request has no WSGI environ, so no socket to shut: the drop must still answer
    # nothing usable (the stream that never finishes), not a 500 page.
    control.fail_next(1, "drop")
    get = async_to_sync(AsyncClient().get)
    response = get(f"{API}/end-users", headers={"Authorization": f"Bearer {secret_key}"})
    with pytest.raises(DroppedConnection):
        consume(response)
    [entry] = control.request_log()
    assert (entry["status"], entry["fault"]) == (None, "drop")


def test_drop_after_creates_the_end_user_then_drops(api):
    control.fail_next(1, "drop_after", method="POST", path="/end-users")
    response = api.post(
        "/end-users", {"companyName": "Late Ltd", "sourceId": "s-9", "email": "a@b.test"}
    )
    with pytest.raises(DroppedConnection):
        consume(response)
    users = control.end_users()
    assert [(u["companyName"], u["sourceId"]) for u in users] == [("Late Ltd", "s-9")]
    [entry] = control.request_log(method="POST", path="/end-users")
    assert (entry["status"], entry["fault"]) == (200, "drop_after")


def test_complete_late_creates_the_end_user_only_after_the_delay_then_drops(api):
    control.fail_next(1, "complete_late", method="POST", path="/end-users", delay_ms=200)
    started = time.monotonic()
    response = api.post(
        "/end-users", {"companyName": "Late Ltd", "sourceId": "s-9", "email": "a@b.test"}
    )
    assert time.monotonic() - started >= 0.2
    with pytest.raises(DroppedConnection):
        consume(response)
    assert [u["sourceId"] for u in control.end_users()] == ["s-9"]
    [entry] = control.request_log(method="POST", path="/end-users")
    assert (entry["status"], entry["fault"]) == (200, "complete_late")


def test_delay_fault_answers_normally_after_the_delay(api):
    control.fail_next(1, "delay", delay_ms=200)
    started = time.monotonic()
    assert api.get("/end-users").status_code == 200
    assert time.monotonic() - started >= 0.2


def test_latency_applies_to_every_request(api):
    control.set_faults(latency_ms=150)
    for _ in range(2):
        started = time.monotonic()
        api.get("/end-users")
        assert time.monotonic() - started >= 0.15


def test_fault_rate_one_fails_every_request_and_zero_none(api):
    control.set_faults(fault_rate=1, fault_kinds=["http_503"])
    assert [api.get("/end-users").status_code for _ in range(3)] == [503, 503, 503]
    control.set_faults(fault_rate=0)
    assert [api.get("/end-users").status_code for _ in range(3)] == [200, 200, 200]


def test_fault_rate_is_a_probability(api, monkeypatch):
    control.set_faults(fault_rate=0.5, fault_kinds=["http_500", "rate_limit"])
    rng = random.Random(1234)
    monkeypatch.setattr("conductor_django.sandbox.faults.random", rng)
    statuses = [api.get("/end-users").status_code for _ in range(60)]
    failures = [s for s in statuses if s != 200]
    assert 10 < len(failures) < 50
    assert set(failures) == {500, 429}


def test_clear_faults(api):
    control.set_faults(latency_ms=10, fault_rate=1, fault_kinds=["http_500"])
    control.fail_next(3, "html_502")
    control.clear_faults()
    assert api.get("/end-users").status_code == 200
    config = FaultConfig.load()
    assert (config.latency_ms, config.fault_rate, config.fault_kinds) == (0, 0, [])


@pytest.mark.parametrize(
    "call",
    [
        lambda: control.fail_next(1, "explode"),
        lambda: control.fail_next(0, "http_500"),
        lambda: control.set_faults(fault_rate=1.5),
        lambda: control.set_faults(fault_kinds=["nope"]),
        lambda: control.set_faults(latency_ms=-1),
        # The control endpoint's JSON can carry these: each is a 400 there, not a crash.
        lambda: control.fail_next(float("inf"), "http_500"),
        lambda: control.fail_next(True, "http_500"),
        lambda: control.set_faults(delay_ms="5"),
    ],
)
def test_bad_fault_arguments_raise_value_error(db, call):
    with pytest.raises(ValueError):
        call()


def test_request_log_counts_each_call_with_status_and_end_user(api):
    user = api.create_end_user()
    api.health_check(user["id"])
    api.health_check(user["id"])
    api.get("/end-users")
    assert control.request_count() == 4
    assert control.request_count("POST", "/end-users") == 1
    assert control.request_count("get", "/quickbooks-desktop/health-check") == 2
    assert control.request_count(end_user_id=user["id"]) == 2
    assert control.request_count(path="/end-users*") == 2
    checks = control.request_log(path="/quickbooks-desktop/health-check")
    assert [c["status"] for c in checks] == [409, 409]
    assert all(c["requestId"].startswith("req_") for c in checks)


def test_faulted_requests_are_logged_too(api):
    control.fail_next(1, "http_503")
    api.get("/end-users")
    assert [(r["status"], r["fault"]) for r in control.request_log()] == [(503, "http_503")]


def test_reset_forgets_everything(api):
    api.create_end_user()
    control.fail_next(1, "http_500")
    control.reset()
    assert control.end_users() == []
    assert control.request_count() == 0
    assert control.faults()["pending"] == []
