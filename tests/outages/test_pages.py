"""Conductor failing in every way the sandbox can inject: each page still answers with a clear
message (200 or 302), never a 500; logs name Conductor's request id and never a secret."""

from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages

from conductor_django.sandbox import control

HEALTH_CHECK = "/quickbooks-desktop/health-check"
OUTAGE_TEXT = "We could not reach QuickBooks right now."
MASKED = "An internal server error occurred. Please try again."

FAULTS = {
    "http_500": {},
    "http_502": {},
    "http_503": {},
    # Longer than MAX_RETRY_WAIT: the client gives up at once instead of sleeping in a request.
    "rate_limit": {"retry_after_seconds": 30},
    "html_502": {},
    "drop": {},
    # Answers only after the client's read timeout (set to 0.5 s below) has run out.
    "delay": {"delay_ms": 1500},
}
# Faults whose answer carries a Conductor-Request-Id the client can log.
ANSWERED = {"http_500", "http_502", "http_503", "rate_limit", "html_502"}


@pytest.fixture(autouse=True)
def short_timeouts(sandbox, settings):
    settings.CONDUCTOR = {
        **settings.CONDUCTOR,
        "READ_TIMEOUT": 0.5,
        "HEALTH_CHECK_TIMEOUT": 0.5,
        "MAX_RETRY_WAIT": 1.0,
    }
    # A delayed request outlives the client that gave up on it: the sandbox fixture waits for
    # the live server's request threads before the test database goes away.


def fail(kind, method, path):
    # Enough for every retry the client is allowed.
    control.fail_next(10, kind, method=method, path=path, **FAULTS[kind])


def _answered_request_ids(method, path):
    return [
        entry["requestId"]
        for entry in control.request_log(method=method, path=path)
        if entry["fault"] and entry["fault"] != "drop"
    ]


def _outcome(response):
    content = response.content.decode()
    marker = 'data-conductor-outcome="'
    return content.split(marker, 1)[1].split('"', 1)[0] if marker in content else None


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("kind", FAULTS)
def test_settings_page_during_a_failing_health_check(kind, owner, client, caplog, secrets_absent):
    client.force_login(owner)
    fail(kind, "GET", HEALTH_CHECK)

    response = client.get("/quickbooks/")

    assert response.status_code == 200
    assert _outcome(response) in {"unavailable", "error"}
    content = response.content.decode()
    assert OUTAGE_TEXT in content or MASKED in content
    assert "Try again" in content
    if kind in ANSWERED:
        last = _answered_request_ids("GET", HEALTH_CHECK)[-1]
        assert last in caplog.text
    secrets_absent(content)


@pytest.mark.parametrize("kind", FAULTS)
def test_settings_page_when_the_end_user_cannot_be_created(
    kind, sandbox, client, django_user_model, secrets_absent
):
    from conductor_django.provisioning import provisioning_disabled

    with provisioning_disabled():
        user = django_user_model.objects.create_user("late", "late@example.com", "pw")
    client.force_login(user)
    fail(kind, "POST", "/end-users")

    response = client.get("/quickbooks/")

    assert response.status_code == 200
    # A create Conductor refused (429) did not happen; any other failure may still complete
    # there, so the page says the connection is being set up rather than unreachable.
    assert _outcome(response) == ("unavailable" if kind == "rate_limit" else "setting_up")
    secrets_absent(response.content.decode())


@pytest.mark.parametrize("kind", FAULTS)
def test_settings_page_when_the_auth_session_cannot_be_created(
    kind, owner, client, caplog, secrets_absent
):
    client.force_login(owner)
    fail(kind, "POST", "/auth-sessions")

    response = client.get("/quickbooks/")

    assert response.status_code == 200
    assert _outcome(response) in {"unavailable", "error"}
    assert control.auth_sessions() == []
    if kind in ANSWERED:
        assert _answered_request_ids("POST", "/auth-sessions")[-1] in caplog.text
    secrets_absent(response.content.decode())


@pytest.mark.parametrize("kind", FAULTS)
def test_callback_during_a_failing_health_check(kind, owner, client, caplog, secrets_absent):
    client.force_login(owner)
    assert client.get("/quickbooks/?next=/dashboard-next/").status_code == 302
    [session] = control.auth_sessions()
    control.complete_auth_flow(session["clientSecret"], "connect")
    redirect = urlsplit(session["redirectUrl"])
    fail(kind, "GET", HEALTH_CHECK)

    response = client.get(f"{redirect.path}?{redirect.query}")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard-next/"
    assert _messages(response) == ["We could not confirm your QuickBooks Desktop connection yet."]
    if kind in ANSWERED:
        assert _answered_request_ids("GET", HEALTH_CHECK)[-1] in caplog.text
    secrets_absent(response.content.decode())


@pytest.mark.parametrize("kind", FAULTS)
def test_disconnect_during_an_outage(kind, owner, client, caplog, secrets_absent):
    end_user_id = owner.conductor_end_user_id
    client.force_login(owner)
    fail(kind, "DELETE", "/end-users/*")

    response = client.post("/quickbooks/disconnect/")

    assert response.status_code == 302
    [message] = _messages(response)
    assert message in {
        MASKED,
        "We could not disconnect QuickBooks Desktop right now. Please try again.",
    } or message.startswith("Too many requests")
    owner.refresh_from_db()
    assert owner.conductor_end_user_id == end_user_id
    if kind in ANSWERED:
        assert _answered_request_ids("DELETE", "/end-users/*")[-1] in caplog.text


def test_disconnect_whose_answer_was_lost_succeeds_on_the_next_try(owner, client):
    end_user_id = owner.conductor_end_user_id
    client.force_login(owner)
    # Conductor deletes the end-user, then the answer is lost.
    control.fail_next(1, "drop_after", method="DELETE", path="/end-users/*")

    assert client.post("/quickbooks/disconnect/").status_code == 302
    owner.refresh_from_db()
    assert owner.conductor_end_user_id == end_user_id

    response = client.post("/quickbooks/disconnect/")

    assert _messages(response)[-1] == "QuickBooks Desktop was disconnected."
    owner.refresh_from_db()
    assert owner.conductor_end_user_id is None
