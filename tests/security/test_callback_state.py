"""The callback's state: one-time, bound to the browser session, the user and the owner, and
expiring. Every rejection is a 400 that changes nothing (no health check, nothing recorded)."""

import time

import pytest
from django.test import Client

from conductor_django import state
from conductor_django.models import ConnectionStatus

HEALTH_CHECK = "/quickbooks-desktop/health-check"


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def _rejected(response, reason):
    assert response.status_code == 400
    assert response.context["reason"] == reason
    return response


def _checks(fake_conductor):
    return fake_conductor.count("GET", HEALTH_CHECK)


def test_valid_state_is_accepted_once(logged_in, connect_flow, fake_conductor, user):
    callback = connect_flow()
    fake_conductor.set_scenario(user, "connected")

    first = logged_in.get(callback)
    checks = _checks(fake_conductor)
    second = logged_in.get(callback)

    assert first.status_code == 302
    _rejected(second, "unknown")
    assert _checks(fake_conductor) == checks


@pytest.mark.parametrize(
    ("query", "reason"),
    [("", "missing"), ("?state=", "missing"), ("?state=forged-token", "unknown")],
)
def test_missing_or_forged_state(logged_in, connect_flow, fake_conductor, query, reason):
    connect_flow()
    checks = _checks(fake_conductor)

    _rejected(logged_in.get(f"/quickbooks/callback/{query}"), reason)

    assert _checks(fake_conductor) == checks
    assert not ConnectionStatus.objects.filter(status="connected").exists()


def test_state_from_another_browser_session_of_the_same_user(logged_in, connect_flow, user):
    callback = connect_flow()
    other_browser = Client()
    other_browser.force_login(user)

    _rejected(other_browser.get(callback), "unknown")
    # The rightful browser can still use it.
    assert logged_in.get(callback).status_code == 302


def test_state_of_another_user_is_useless(logged_in, connect_flow, django_user_model, user):
    callback = connect_flow()
    mallory = django_user_model.objects.create_user("mallory", "m@example.com", "pw")
    # Logging in as someone else in the same browser empties the session and its states.
    logged_in.force_login(mallory)

    _rejected(logged_in.get(callback), "unknown")


def acting_owner(request):
    """An OWNER_RESOLVER for this test: the session may name another owner to act for."""
    from django.contrib.auth import get_user_model

    pk = request.session.get("acting_owner")
    return get_user_model().objects.get(pk=pk) if pk else request.user


def test_state_issued_for_one_owner_is_refused_for_another(
    logged_in, connect_flow, settings, django_user_model, fake_conductor
):
    settings.CONDUCTOR = {
        **settings.CONDUCTOR,
        "OWNER_RESOLVER": f"{__name__}.acting_owner",
    }
    callback = connect_flow()
    other = django_user_model.objects.create_user("branch", "b@example.com", "pw")
    session = logged_in.session
    session["acting_owner"] = other.pk
    session.save()
    checks = _checks(fake_conductor)

    _rejected(logged_in.get(callback), "wrong_account")
    # Consumed by the failed attempt: it cannot be replayed for the right owner either.
    session = logged_in.session
    del session["acting_owner"]
    session.save()
    _rejected(logged_in.get(callback), "unknown")
    assert _checks(fake_conductor) == checks


def test_expired_state(logged_in, connect_flow, fake_conductor):
    callback = connect_flow()
    session = logged_in.session
    session[state.SESSION_KEY] = [
        {**entry, "expires": entry["expires"] - 10 * 24 * 3600}
        for entry in session[state.SESSION_KEY]
    ]
    session.save()
    checks = _checks(fake_conductor)

    _rejected(logged_in.get(callback), "expired")

    assert _checks(fake_conductor) == checks


def test_state_lives_no_longer_than_the_link_plus_grace(logged_in, connect_flow, settings):
    connect_flow()
    [entry] = logged_in.session[state.SESSION_KEY]

    lifetime = entry["expires"] - time.time()
    link_seconds = 30 * 60
    assert link_seconds < lifetime <= link_seconds + state.GRACE_SECONDS + 5
