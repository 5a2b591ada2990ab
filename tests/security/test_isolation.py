"""A user reaches only their own connection: its status, auth sessions and health checks."""

import pytest
from django.test import Client

from conductor_django.models import AuthSessionRecord, ConnectionStatus

HEALTH_CHECK = "/quickbooks-desktop/health-check"


@pytest.fixture
def bob(django_user_model, fake_conductor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bob = django_user_model.objects.create_user("bob", "bob@example.com", "pw")
    bob.refresh_from_db()
    return bob


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def _checked_end_users(fake_conductor):
    return [
        call.request.headers["Conductor-End-User-Id"]
        for call in fake_conductor.mock.calls
        if call.request.url.endswith(HEALTH_CHECK)
    ]


def test_each_user_sees_only_their_own_status(user, bob, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    fake_conductor.set_scenario(bob, "permission_denied")

    alice_page = _as(user).get("/quickbooks/")
    bob_page = _as(bob).get("/quickbooks/?next=/quickbooks/")

    assert alice_page.context["outcome"] == "connected"
    assert bob_page.context["outcome"] == "error"
    # A cached "connected" for Alice is never served to Bob.
    assert _as(bob).get("/quickbooks/").context["outcome"] == "error"
    assert _checked_end_users(fake_conductor) == [
        user.conductor_end_user_id,
        bob.conductor_end_user_id,
    ]


def test_the_settings_page_ignores_ids_in_the_request(user, bob, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    query = f"?end_user_id={user.conductor_end_user_id}&owner={user.pk}&user={user.pk}"

    page = _as(bob).get(f"/quickbooks/{query}")

    # Bob is not set up: he is sent to his own auth flow, not shown Alice's connection.
    assert page.status_code == 302
    [session] = fake_conductor.auth_sessions
    assert session["endUserId"] == bob.conductor_end_user_id
    assert AuthSessionRecord.objects.get().end_user_id == bob.conductor_end_user_id
    assert _checked_end_users(fake_conductor) == [bob.conductor_end_user_id]


def test_a_callback_link_sent_to_someone_else_does_nothing_for_them(user, bob, fake_conductor):
    alice = _as(user)
    alice.get("/quickbooks/")
    redirect = fake_conductor.auth_sessions[-1]["redirectUrl"].split("testserver", 1)[1]
    fake_conductor.set_scenario(user, "connected")

    response = _as(bob).get(redirect)

    assert response.status_code == 400
    assert not ConnectionStatus.objects.filter(status="connected").exists()
    assert _checked_end_users(fake_conductor) == [user.conductor_end_user_id]


def test_disconnect_touches_only_the_requesting_user(user, bob, fake_conductor):
    response = _as(bob).post("/quickbooks/disconnect/", {"end_user_id": user.conductor_end_user_id})

    assert response.status_code == 302
    user.refresh_from_db()
    bob.refresh_from_db()
    assert user.conductor_end_user_id in fake_conductor.end_users
    assert bob.conductor_end_user_id is None
    assert fake_conductor.count("DELETE", user.conductor_end_user_id) == 0


def cannot_manage(request, owner):
    return False


def test_a_user_who_may_not_manage_the_connection_cannot_disconnect_or_start_it(
    user, fake_conductor, settings
):
    settings.CONDUCTOR = {
        **settings.CONDUCTOR,
        "CAN_MANAGE_CONNECTION": f"{__name__}.cannot_manage",
    }
    client = _as(user)

    page = client.get("/quickbooks/")
    response = client.post("/quickbooks/disconnect/")

    assert page.status_code == 200
    assert page.context["outcome"] == "not_set_up"
    assert fake_conductor.auth_sessions == []
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.conductor_end_user_id
