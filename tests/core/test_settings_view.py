"""The settings page runs the health check and tells the truth about the connection."""

import json
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conductor_django import state
from conductor_django.client.catalog import (
    NOT_ACTIVE_USER_MESSAGE,
    PERMISSION_DENIED_USER_MESSAGE,
    QBD_NOT_RUNNING_USER_MESSAGE,
    TIMEOUT_USER_MESSAGE,
)
from conductor_django.models import AuthSessionRecord, ConnectionStatus, EndUserClaim

from .helpers import BASE_URL, conductor_settings, error_json

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/quickbooks/"
CALLBACK_URL = "http://testserver/quickbooks/callback/"


def outcome_of(response):
    return response.content.decode().split('data-conductor-outcome="', 1)[1].split('"', 1)[0]


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_url_name():
    assert reverse("conductor_django:settings") == SETTINGS_URL


def test_login_required(client, fake_conductor):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={SETTINGS_URL}"
    assert fake_conductor.calls == []


def test_connected_renders_connected_with_last_checked(logged_in, user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")

    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "connected"
    assert "Checked just now." in response.content.decode()
    assert fake_conductor.count("GET", "/health-check") == 1
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == ConnectionStatus.Status.CONNECTED
    assert response.context["status"].checked_at == status.checked_at


def test_not_set_up_redirects_to_a_fresh_auth_flow(logged_in, user, fake_conductor):
    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 302
    (session,) = fake_conductor.auth_sessions
    assert response["Location"] == session["authFlowUrl"]
    assert session["endUserId"] == user.conductor_end_user_id
    redirect = urlsplit(session["redirectUrl"])
    assert f"{redirect.scheme}://{redirect.netloc}{redirect.path}" == CALLBACK_URL
    (token,) = parse_qs(redirect.query)["state"]
    (pending,) = logged_in.session[state.SESSION_KEY]
    assert pending["state"] == token
    assert pending["user"] == str(user.pk)
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert status.status == ConnectionStatus.Status.NOT_SET_UP
    record = AuthSessionRecord.objects.get()
    assert record.reason == AuthSessionRecord.Reason.SETTINGS_PAGE
    assert record.issued_by == user
    assert record.redirect_url == CALLBACK_URL


def test_each_visit_gets_its_own_state(logged_in, fake_conductor):
    logged_in.get(SETTINGS_URL)
    logged_in.get(f"{SETTINGS_URL}?refresh=1")

    tokens = [
        parse_qs(urlsplit(s["redirectUrl"]).query)["state"][0] for s in fake_conductor.auth_sessions
    ]
    assert len(set(tokens)) == 2
    assert [p["state"] for p in logged_in.session[state.SESSION_KEY]] == tokens


def test_auth_session_uses_configured_link_expiry(settings, logged_in, fake_conductor):
    conductor_settings(settings, LINK_EXPIRY_MINUTES=45)

    logged_in.get(SETTINGS_URL)

    call = fake_conductor.mock.calls[-1].request
    assert call.url == f"{BASE_URL}/auth-sessions"
    assert json.loads(call.body)["linkExpiryMins"] == 45


@pytest.mark.parametrize(
    ("scenario", "message", "code"),
    [
        ("permission_denied", PERMISSION_DENIED_USER_MESSAGE, "QBD_CONNECTION_ERROR"),
        ("qbd_not_running", QBD_NOT_RUNNING_USER_MESSAGE, "QBD_CONNECTION_ERROR"),
        ("not_active", NOT_ACTIVE_USER_MESSAGE, "INTEGRATION_CONNECTION_NOT_ACTIVE"),
        ("request_timeout", TIMEOUT_USER_MESSAGE, "QBD_REQUEST_TIMEOUT"),
    ],
)
def test_other_conductor_error_shows_user_facing_message_and_try_again(
    logged_in, user, fake_conductor, scenario, message, code
):
    fake_conductor.set_scenario(user, scenario)

    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "error"
    content = response.content.decode()
    assert escape(message) in content
    assert f'href="{SETTINGS_URL}?refresh=1"' in content
    assert fake_conductor.auth_sessions == []
    assert fake_conductor.count("GET", "/health-check") == 1
    status = ConnectionStatus.objects.get(end_user_id=user.conductor_end_user_id)
    assert (status.status, status.error_code) == (ConnectionStatus.Status.ERROR, code)


def test_rejected_key_shows_conductors_user_facing_message(logged_in):
    body = error_json(
        401,
        "API_KEY_INVALID",
        "AUTHENTICATION_ERROR",
        user_facing="An internal server error occurred. Please try again.",
    )
    with responses.RequestsMock() as rejecting:
        rejecting.get(f"{BASE_URL}/quickbooks-desktop/health-check", status=401, json=body)
        response = logged_in.get(SETTINGS_URL)
        assert len(rejecting.calls) == 1

    assert response.status_code == 200
    assert outcome_of(response) == "error"
    assert "An internal server error occurred. Please try again." in response.content.decode()
    assert ConnectionStatus.objects.count() == 0


@pytest.mark.parametrize("outage", ["network", "html"])
def test_unreachable_conductor_renders_neutral_page(logged_in, fake_conductor, outage):
    fake_conductor.outage(outage)

    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "unavailable"
    content = response.content.decode()
    assert "We could not reach QuickBooks right now." in content
    assert f'href="{SETTINGS_URL}?refresh=1"' in content
    # A read is retried within the client's bound, then the page gives up.
    assert fake_conductor.count("GET", "/health-check") == 3
    assert ConnectionStatus.objects.count() == 0


@pytest.mark.parametrize("status", [500, 503, 429])
def test_conductor_outage_with_envelope_shows_the_neutral_page(logged_in, fake_conductor, status):
    # Conductor's envelope for an outage carries only its masked generic text: it says nothing
    # about this user's QuickBooks, so the page must not present it as their connection's error.
    fake_conductor.outage(status)

    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "unavailable"
    assert "An internal server error occurred" not in response.content.decode()
    assert ConnectionStatus.objects.count() == 0


def test_rejected_key_shows_conductors_message(logged_in, fake_conductor):
    fake_conductor.outage(401)

    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "error"
    assert "An internal server error occurred. Please try again." in response.content.decode()


def test_timed_out_health_check_renders_neutral_page_without_retrying(logged_in, user):
    with responses.RequestsMock() as timing_out:
        timing_out.get(
            f"{BASE_URL}/quickbooks-desktop/health-check",
            body=requests.ReadTimeout("read timed out"),
        )
        response = logged_in.get(SETTINGS_URL)
        assert len(timing_out.calls) == 1
        assert timing_out.calls[0].request.req_kwargs["timeout"] == (5.0, 15.0)

    assert response.status_code == 200
    assert outcome_of(response) == "unavailable"
    assert "We could not reach QuickBooks right now." in response.content.decode()


def test_malformed_health_check_answer_renders_neutral_page(logged_in):
    with responses.RequestsMock() as garbage:
        garbage.get(f"{BASE_URL}/quickbooks-desktop/health-check", json={"unexpected": True})
        response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "unavailable"


def test_user_without_end_user_gets_one_lazily(client, unprovisioned_user, fake_conductor):
    client.force_login(unprovisioned_user)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id in fake_conductor.end_users
    assert fake_conductor.count("POST", "/end-users") == 1
    assert fake_conductor.auth_sessions[0]["endUserId"] == unprovisioned_user.conductor_end_user_id


SETTING_UP = "Your QuickBooks Desktop connection is being set up."
UNAVAILABLE = "We could not reach QuickBooks right now."


def test_create_that_may_still_complete_shows_setting_up_until_the_grace_is_over(
    client, settings, unprovisioned_user, fake_conductor
):
    conductor_settings(settings, CREATE_GRACE_SECONDS=0.4)
    client.force_login(unprovisioned_user)
    fake_conductor.outage("timeout", times=1)

    first = client.get(SETTINGS_URL)
    again = client.get(SETTINGS_URL)

    for response in (first, again):
        assert response.status_code == 200
        assert outcome_of(response) == "setting_up"
        assert SETTING_UP in response.text
        assert UNAVAILABLE not in response.text
        assert f'href="{SETTINGS_URL}?refresh=1"' in response.text
    # The second visit sent nothing: the timed-out create may still complete at Conductor.
    assert fake_conductor.count("POST", "/end-users") == 1
    time.sleep(0.5)

    done = client.get(f"{SETTINGS_URL}?refresh=1")

    assert done.status_code == 302
    assert fake_conductor.count("GET", "/end-users") == 1
    assert fake_conductor.count("POST", "/end-users") == 2
    assert len(fake_conductor.end_users) == 1


def test_create_refused_by_conductor_renders_the_neutral_page(
    client, unprovisioned_user, fake_conductor
):
    client.force_login(unprovisioned_user)
    # Every retry the client is allowed on a 429 is refused too.
    fake_conductor.outage(429)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "unavailable"
    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id is None


def test_end_user_being_created_elsewhere_shows_setting_up(
    client, unprovisioned_user, fake_conductor
):
    EndUserClaim.objects.create(
        owner_type=ContentType.objects.get_for_model(unprovisioned_user),
        owner_id=str(unprovisioned_user.pk),
        lease_expires_at=timezone.now() + timedelta(seconds=60),
    )
    client.force_login(unprovisioned_user)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "setting_up"
    assert SETTING_UP in response.text
    assert fake_conductor.calls == []


def test_recent_status_served_from_cache_until_refresh(logged_in, user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")

    logged_in.get(SETTINGS_URL)
    logged_in.get(SETTINGS_URL)
    assert fake_conductor.count("GET", "/health-check") == 1

    logged_in.get(f"{SETTINGS_URL}?refresh=1")
    assert fake_conductor.count("GET", "/health-check") == 2


def test_settings_page_is_get_only(logged_in, fake_conductor):
    assert logged_in.post(SETTINGS_URL).status_code == 405
    assert fake_conductor.count("GET", "/health-check") == 0
