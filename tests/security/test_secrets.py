"""The secret key, client secrets and authFlowUrls (bearer links) never show up where people
or log collectors can read them: log records, pages, the admin, exception text, the database."""

import logging
import traceback

import pytest
import responses
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from conductor_django.client import ConductorClient, ConductorError
from conductor_django.models import AuthSessionRecord

SECRET_KEY = "sk_conductor_test_secret_0123456789abcdef"


def _secrets(fake_conductor):
    found = [SECRET_KEY]
    for session in fake_conductor.auth_sessions:
        found += [session["clientSecret"], session["authFlowUrl"]]
    return found


def _assert_clean(text, fake_conductor):
    for secret in _secrets(fake_conductor):
        assert secret not in text


@pytest.fixture
def journey(client, user, fake_conductor, caplog):
    """Connect, come back, look at the page, disconnect; returns every page rendered."""
    caplog.set_level(logging.DEBUG)
    client.force_login(user)
    pages = []
    start = client.get("/quickbooks/")
    assert start.status_code == 302
    # The one place a bearer link goes: the Location that sends this user to it.
    assert start["Location"] == fake_conductor.auth_sessions[-1]["authFlowUrl"]
    fake_conductor.set_scenario(user, "connected")
    callback = fake_conductor.auth_sessions[-1]["redirectUrl"].split("testserver", 1)[1]
    pages.append(client.get(callback, follow=True))
    fake_conductor.set_scenario(user, "permission_denied")
    pages.append(client.get("/quickbooks/?refresh=1"))
    assert client.post("/quickbooks/disconnect/").status_code == 302
    # The disconnect's message is shown on the next page.
    pages.append(client.get("/"))
    return pages


def test_pages_and_logs_of_a_whole_journey_hold_no_secret(journey, fake_conductor, caplog):
    for page in journey:
        assert page.status_code == 200
        _assert_clean(page.content.decode(), fake_conductor)
    # The journey ran while setting the test up.
    records = caplog.get_records("setup")
    assert any(r.name.startswith("conductor_django") for r in records)
    for record in records:
        _assert_clean(record.getMessage(), fake_conductor)
        _assert_clean(logging.Formatter().format(record), fake_conductor)


def test_auth_session_records_store_neither_client_secret_nor_link(journey, fake_conductor):
    [record] = AuthSessionRecord.objects.all()
    stored = " ".join(str(getattr(record, f.attname)) for f in record._meta.concrete_fields)

    assert record.auth_session_id == fake_conductor.auth_sessions[0]["id"]
    _assert_clean(stored, fake_conductor)
    assert "state=" not in record.redirect_url


def test_admin_pages_hold_no_secret(journey, fake_conductor, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin_user)
    visited = 0
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in ("conductor_django", "accounts"):
            continue
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        pages = [client.get(changelist)]
        for obj in model._default_manager.all()[:3]:
            pages.append(
                client.get(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                )
            )
        for page in pages:
            assert page.status_code == 200
            _assert_clean(page.content.decode(), fake_conductor)
            visited += 1
    assert visited


@responses.activate
def test_exception_text_never_holds_the_secret_key():
    client = ConductorClient(SECRET_KEY, base_url="https://api.conductor.test/v1", max_retries=0)
    responses.add(
        responses.GET,
        "https://api.conductor.test/v1/end-users",
        status=401,
        json={
            "error": {
                "message": f"The API key {SECRET_KEY} is invalid.",
                "userFacingMessage": "An internal server error occurred. Please try again.",
                "type": "AUTHENTICATION_ERROR",
                "code": "API_KEY_INVALID",
                "httpStatusCode": 401,
                "requestId": "req_1",
            }
        },
    )

    with pytest.raises(ConductorError) as caught:
        client.list_end_users()

    text = "".join(traceback.format_exception(caught.value)) + repr(caught.value) + repr(client)
    assert SECRET_KEY not in text
    assert "req_1" in str(caught.value)


def test_a_network_failure_traceback_never_holds_the_secret_key():
    client = ConductorClient(SECRET_KEY, base_url="http://127.0.0.1:9", max_retries=0)

    with pytest.raises(ConductorError) as caught:
        client.list_end_users()

    assert SECRET_KEY not in "".join(traceback.format_exception(caught.value))
