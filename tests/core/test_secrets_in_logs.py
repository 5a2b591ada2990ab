"""The secret key, client secrets and authFlowUrls never reach logs, reprs, pages or errors."""

import logging

import pytest
import requests

from conductor_django.client import ConductorClient, errors
from conductor_django.clients import get_client
from conductor_django.connection import issue_auth_session
from conductor_django.models import AuthSessionRecord, EndUserClaim
from conductor_django.tasks import provision_end_user

from .helpers import BASE_URL, SECRET_KEY, end_user_json, error_json

ECHOING = error_json(
    401,
    "API_KEY_INVALID",
    "AUTHENTICATION_ERROR",
    message=f"Invalid API key: {SECRET_KEY}",
    user_facing="An internal server error occurred. Please try again.",
)


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="conductor_django")
    return caplog


def logged_text(caplog):
    """Every record as a handler would write it, tracebacks and arguments included."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    return "\n".join(handler.format(record) for record in caplog.records) + caplog.text


def assert_secret_free(text, *secrets):
    for secret in (SECRET_KEY, *secrets):
        assert secret not in text


def test_client_repr_hides_the_key():
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL)

    assert SECRET_KEY not in repr(client)
    assert SECRET_KEY not in repr(get_client())


def test_error_echoing_the_key_is_redacted(rsps):
    rsps.get(f"{BASE_URL}/end-users/end_usr_1", status=401, json=ECHOING)
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL)

    with pytest.raises(errors.AuthenticationError) as caught:
        client.retrieve_end_user("end_usr_1")

    error = caught.value
    assert error.message.startswith("Invalid API key: ")
    for text in (str(error), repr(error), error.message, *map(str, error.args)):
        assert_secret_free(text)


@pytest.mark.django_db
def test_provisioning_failure_echoing_the_key_logs_no_key(
    rsps, unprovisioned_user, everything_logged
):
    rsps.post(f"{BASE_URL}/end-users", status=401, json=ECHOING)

    provision_end_user.enqueue(unprovisioned_user._meta.label, unprovisioned_user.pk)

    warnings = [r for r in everything_logged.records if r.levelno >= logging.WARNING]
    assert warnings, "the failure must be logged"
    assert_secret_free(logged_text(everything_logged))
    assert_secret_free(EndUserClaim.objects.get().last_error)


@pytest.mark.django_db
def test_failures_and_retries_log_no_key(rsps, everything_logged, waits):
    rsps.get(f"{BASE_URL}/end-users/end_usr_1", body=requests.ConnectionError(BASE_URL))
    rsps.post(f"{BASE_URL}/end-users", status=500, json=error_json(500, "X", "INTERNAL_ERROR"))
    client = ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=2)

    for call in (
        lambda: client.retrieve_end_user("end_usr_1"),
        lambda: client.create_end_user(company_name="A", source_id="1", email="a@example.com"),
    ):
        with pytest.raises(errors.ConductorError) as caught:
            call()
        assert_secret_free(str(caught.value))

    assert len(everything_logged.records) >= 2
    assert_secret_free(logged_text(everything_logged))


@pytest.mark.django_db
def test_full_connection_flow_logs_no_secret(client, user, fake_conductor, everything_logged):
    client.force_login(user)

    settings_page = client.get("/quickbooks/")
    session = fake_conductor.auth_sessions[-1]
    callback_url = session["redirectUrl"].removeprefix("http://testserver")
    fake_conductor.set_scenario(user, "connected")
    returned = client.get(callback_url)
    connected_page = client.get(returned["Location"])

    assert settings_page.status_code == 302
    assert connected_page.status_code == 200
    assert everything_logged.records, "DEBUG logging of the client must have recorded calls"
    assert_secret_free(
        logged_text(everything_logged), session["clientSecret"], session["authFlowUrl"]
    )
    assert_secret_free(connected_page.content.decode(), session["clientSecret"])


@pytest.mark.django_db
def test_issued_link_and_auth_session_reprs_hide_bearer_credentials(rsps, user_without_fake):
    session = {
        "id": "auth_sess_1",
        "objectType": "auth_session",
        "createdAt": "2026-01-05T10:00:00.000Z",
        "endUserId": "end_usr_1",
        "clientSecret": "auth_sess_client_secret_s3cr3t",
        "authFlowUrl": "https://connect.conductor.is/qbd/auth_sess_client_secret_s3cr3t?key=pk",
        "expiresAt": "2026-01-05T10:30:00.000Z",
        "redirectUrl": None,
    }
    rsps.post(f"{BASE_URL}/auth-sessions", json=session)

    link = issue_auth_session(user_without_fake, reason=AuthSessionRecord.Reason.API)
    parsed = get_client().create_auth_session(publishable_key="pk", end_user_id="end_usr_1")

    assert link.auth_flow_url == session["authFlowUrl"]
    for text in (repr(link), str(link), repr(parsed), str(parsed), repr(link.record)):
        assert "s3cr3t" not in text


@pytest.fixture
def user_without_fake(django_user_model):
    return django_user_model.objects.create_user(
        "hana", "hana@example.com", conductor_end_user_id=end_user_json()["id"]
    )
