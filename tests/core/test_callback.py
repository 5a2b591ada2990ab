"""The return from Conductor's hosted flow: only our own one-time state is accepted."""

import time
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conductor_django import state
from conductor_django.client.catalog import PERMISSION_DENIED_USER_MESSAGE
from conductor_django.models import AuthSessionRecord, ConnectionStatus

from .helpers import conductor_settings

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/quickbooks/"
CALLBACK_PATH = "/quickbooks/callback/"
Status = ConnectionStatus.Status


def start_flow(client, fake_conductor, next_url=None):
    """Open the settings page as a user who is not set up; return the state it issued."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    assert client.get(SETTINGS_URL + query).status_code == 302
    redirect_url = fake_conductor.auth_sessions[-1]["redirectUrl"]
    return parse_qs(urlsplit(redirect_url).query)["state"][0]


def callback(client, token=None):
    return client.get(CALLBACK_PATH, {"state": token} if token is not None else {})


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def flow(logged_in, user, fake_conductor):
    """A user sent to the hosted flow: their state, and what is recorded before they return."""
    token = start_flow(logged_in, fake_conductor)
    checks = fake_conductor.count("GET", "/health-check")
    return token, checks


def assert_nothing_changed(response, user, fake_conductor, checks_before):
    assert response.status_code == 400
    assert fake_conductor.count("GET", "/health-check") == checks_before
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == Status.NOT_SET_UP
    assert AuthSessionRecord.objects.get().completed_at is None
    assert messages_of(response) == []


def reason_of(response):
    return response.content.decode().split('data-conductor-reason="', 1)[1].split('"', 1)[0]


def test_url_name():
    assert reverse("conductor_django:callback") == CALLBACK_PATH


def test_login_required(client, fake_conductor):
    response = client.get(CALLBACK_PATH, {"state": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert fake_conductor.calls == []


def test_missing_state_rejected(logged_in, user, fake_conductor, flow):
    _, checks = flow

    response = callback(logged_in)

    assert reason_of(response) == "missing"
    assert "This link is missing its security token." in response.content.decode()
    assert_nothing_changed(response, user, fake_conductor, checks)


def test_forged_state_rejected(logged_in, user, fake_conductor, flow):
    _, checks = flow

    response = callback(logged_in, "forged-" + "a" * 40)

    assert reason_of(response) == "unknown"
    assert_nothing_changed(response, user, fake_conductor, checks)


def test_reused_state_rejected(logged_in, user, fake_conductor, flow):
    token, checks = flow
    fake_conductor.set_scenario(user, "connected")
    assert callback(logged_in, token).status_code == 302
    fake_conductor.set_scenario(user, "not_set_up")
    checks = fake_conductor.count("GET", "/health-check")

    response = callback(logged_in, token)

    assert response.status_code == 400
    assert reason_of(response) == "unknown"
    assert fake_conductor.count("GET", "/health-check") == checks
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == Status.CONNECTED


def test_expired_state_rejected_and_consumed(logged_in, user, fake_conductor, flow):
    token, checks = flow
    session = logged_in.session
    pending = session[state.SESSION_KEY]
    pending[0]["expires"] = time.time() - 1
    session[state.SESSION_KEY] = pending
    session.save()

    response = callback(logged_in, token)

    assert reason_of(response) == "expired"
    assert "This link has expired." in response.content.decode()
    assert_nothing_changed(response, user, fake_conductor, checks)
    assert reason_of(callback(logged_in, token)) == "unknown"


def test_state_lasts_as_long_as_the_link(settings, logged_in, fake_conductor, monkeypatch):
    conductor_settings(settings, LINK_EXPIRY_MINUTES=15)
    issued_at = time.time()
    token = start_flow(logged_in, fake_conductor)

    (pending,) = logged_in.session[state.SESSION_KEY]
    # The link's life plus a grace period for a user finishing just before it expired.
    lifetime = pending["expires"] - issued_at
    assert 15 * 60 + state.GRACE_SECONDS - 5 < lifetime <= 15 * 60 + state.GRACE_SECONDS + 5

    monkeypatch.setattr(state.time, "time", lambda: pending["expires"] + 1)
    assert reason_of(callback(logged_in, token)) == "expired"


def test_another_users_state_rejected(client, user, fake_conductor, flow, django_user_model):
    token, checks = flow
    mallory = django_user_model.objects.create_user("mallory", conductor_end_user_id="end_usr_m")
    client.logout()
    client.force_login(mallory)

    response = callback(client, token)

    assert reason_of(response) == "unknown"
    assert_nothing_changed(response, user, fake_conductor, checks)


def test_state_issued_to_another_account_in_this_session_rejected(
    logged_in, user, fake_conductor, flow
):
    token, checks = flow
    session = logged_in.session
    pending = session[state.SESSION_KEY]
    pending[0]["user"] = str(user.pk + 1000)
    session[state.SESSION_KEY] = pending
    session.save()

    response = callback(logged_in, token)

    assert reason_of(response) == "wrong_account"
    assert "This link was issued to a different account." in response.content.decode()
    assert_nothing_changed(response, user, fake_conductor, checks)


def test_success_records_connected_and_redirects_to_settings(logged_in, user, fake_conductor, flow):
    token, checks = flow
    fake_conductor.set_scenario(user, "connected")

    response = callback(logged_in, token)

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    assert messages_of(response) == []  # the settings page says "Connected" itself
    assert fake_conductor.count("GET", "/health-check") == checks + 1
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == Status.CONNECTED
    assert status.first_connected_at == status.checked_at
    assert AuthSessionRecord.objects.get().completed_at == status.checked_at
    assert logged_in.session[state.SESSION_KEY] == []


def test_success_redirects_to_configured_success_url(settings, logged_in, user, fake_conductor):
    conductor_settings(settings, SUCCESS_URL="dashboard")
    token = start_flow(logged_in, fake_conductor)
    fake_conductor.set_scenario(user, "connected")

    response = callback(logged_in, token)

    assert response["Location"] == reverse("dashboard")
    # Elsewhere than the settings page, the outcome comes as a message.
    assert messages_of(response) == [("success", "QuickBooks Desktop is connected.")]


@pytest.mark.parametrize(
    "scenario, message",
    [
        (
            "not_set_up",
            ("warning", "QuickBooks Desktop was not connected: setup was not finished."),
        ),
        (
            "permission_denied",
            ("error", "There is a problem with your QuickBooks Desktop connection."),
        ),
        ("network", ("warning", "We could not confirm your QuickBooks Desktop connection yet.")),
    ],
)
def test_outcome_told_by_a_message_elsewhere_than_the_settings_page(
    settings, logged_in, user, fake_conductor, scenario, message
):
    conductor_settings(settings, SUCCESS_URL="dashboard")
    token = start_flow(logged_in, fake_conductor)
    if scenario == "network":
        fake_conductor.outage("network")
    else:
        fake_conductor.set_scenario(user, scenario)

    response = callback(logged_in, token)

    assert response["Location"] == reverse("dashboard")
    assert messages_of(response) == [message]


@pytest.mark.parametrize("next_url", ["/?tab=billing", "http://testserver/somewhere/"])
def test_safe_next_given_to_settings_view_wins(settings, logged_in, user, fake_conductor, next_url):
    conductor_settings(settings, SUCCESS_URL="/configured/")
    token = start_flow(logged_in, fake_conductor, next_url)
    fake_conductor.set_scenario(user, "connected")

    response = callback(logged_in, token)

    assert response.status_code == 302
    assert response["Location"] == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "javascript:alert(1)",
        "http:///evil.example",
    ],
)
def test_unsafe_next_ignored(settings, logged_in, user, fake_conductor, next_url):
    conductor_settings(settings, SUCCESS_URL="/configured/")
    token = start_flow(logged_in, fake_conductor, next_url)
    fake_conductor.set_scenario(user, "connected")

    response = callback(logged_in, token)

    assert response.status_code == 302
    assert response["Location"] == "/configured/"


def test_next_on_the_callback_itself_is_ignored(logged_in, user, fake_conductor, flow):
    token, _ = flow
    fake_conductor.set_scenario(user, "connected")

    response = logged_in.get(CALLBACK_PATH, {"state": token, "next": "/elsewhere/"})

    assert response["Location"] == SETTINGS_URL


def test_flow_abandoned_records_not_set_up_with_warning(logged_in, user, fake_conductor, flow):
    token, _ = flow

    response = callback(logged_in, token)

    assert response.status_code == 302
    assert messages_of(response) == []
    page = logged_in.get(response["Location"]).content.decode()
    assert page.count("QuickBooks Desktop was not connected: setup was not finished.") == 1
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == Status.NOT_SET_UP
    assert status.first_connected_at is None
    assert AuthSessionRecord.objects.get().completed_at is None


def test_connection_error_after_flow_shows_user_facing_message_once(
    logged_in, user, fake_conductor, flow
):
    token, _ = flow
    fake_conductor.set_scenario(user, "permission_denied")

    response = callback(logged_in, token)

    assert response.status_code == 302
    assert messages_of(response) == []
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert (status.status, status.integration_code) == (Status.ERROR, "0x80040420")
    page = logged_in.get(response["Location"]).content.decode()
    assert page.count(escape(PERMISSION_DENIED_USER_MESSAGE)) == 1
    assert page.count("There is a problem with your QuickBooks Desktop connection.") == 1


def test_unfinished_flow_offers_to_connect_instead_of_looping_back(
    logged_in, user, fake_conductor, flow
):
    token, _ = flow
    auth_sessions_before = len(fake_conductor.auth_sessions)

    page = logged_in.get(callback(logged_in, token)["Location"])

    assert page.status_code == 200
    assert 'data-conductor-outcome="not_set_up"' in page.content.decode()
    assert 'class="conductor-connect"' in page.content.decode()
    assert len(fake_conductor.auth_sessions) == auth_sessions_before
    # Choosing to connect again starts a fresh flow.
    again = logged_in.get(SETTINGS_URL)
    assert again.status_code == 302
    assert len(fake_conductor.auth_sessions) == auth_sessions_before + 1


def test_conductor_down_on_return_lets_the_settings_page_say_so(
    logged_in, user, fake_conductor, flow
):
    token, _ = flow
    fake_conductor.outage("network")

    response = callback(logged_in, token)

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    assert messages_of(response) == []
    page = logged_in.get(response["Location"]).content.decode()
    assert page.count("We could not reach QuickBooks right now.") == 1
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == Status.NOT_SET_UP


def test_success_said_once_on_settings_page(logged_in, user, fake_conductor, flow):
    token, _ = flow
    fake_conductor.set_scenario(user, "connected")

    page = logged_in.get(callback(logged_in, token)["Location"])

    assert page.status_code == 200
    content = page.content.decode()
    assert content.count(">Connected<") == 1
    assert "QuickBooks Desktop is connected." not in content
