"""A stored end-user that Conductor no longer has (deleted on its dashboard, or keys switched to
another project) is replaced once, remembered, logged and announced; a Conductor that answers
404 to everything (a wrong API_BASE_URL) is an outage, not a reason to replace anything."""

import logging

import pytest
from django.urls import reverse

from conductor_django import connection, signals
from conductor_django.missing import MissingNotConfirmed
from conductor_django.models import AuthSessionRecord, ConnectionStatus, ReplacedEndUser

from .helpers import BASE_URL, end_user_json, error_json

pytestmark = pytest.mark.django_db

HEALTH_CHECK = f"{BASE_URL}/quickbooks-desktop/health-check"
END_USERS = f"{BASE_URL}/end-users"
MISSING = error_json(
    404,
    "RESOURCE_MISSING",
    "INVALID_REQUEST_ERROR",
    request_id="req_missing",
    message="No end-user.",
)


@pytest.fixture
def missing_sent():
    sent = []

    def receiver(sender, owner, end_user_id, request_id, **kwargs):
        sent.append((sender, owner.pk, end_user_id, request_id))

    signals.end_user_missing.connect(receiver)
    yield sent
    signals.end_user_missing.disconnect(receiver)


@pytest.fixture
def stored(unprovisioned_user, django_user_model):
    """A user whose row stores an end-user id, with Conductor stubbed by ``rsps``."""
    django_user_model.objects.filter(pk=unprovisioned_user.pk).update(
        conductor_end_user_id="end_usr_old"
    )
    unprovisioned_user.refresh_from_db()
    return unprovisioned_user


def deleted_on_conductors_dashboard(fake_conductor, owner):
    del fake_conductor.end_users[owner.conductor_end_user_id]
    return owner.conductor_end_user_id


def test_settings_page_replaces_it_once_and_carries_on_into_the_flow(
    client, user, fake_conductor, missing_sent, caplog
):
    fake_conductor.set_scenario(user, "connected")
    connection.check(user)
    gone = deleted_on_conductors_dashboard(fake_conductor, user)
    client.force_login(user)

    response = client.get(reverse("conductor_django:settings"), {"refresh": "1"})

    assert response.status_code == 302
    user.refresh_from_db()
    new = user.conductor_end_user_id
    assert new and new != gone
    assert list(fake_conductor.end_users) == [new]
    assert response["Location"] == fake_conductor.auth_sessions[-1]["authFlowUrl"]
    assert fake_conductor.auth_sessions[-1]["endUserId"] == new
    # Kept in the history, the log and a signal, once.
    [replaced] = ReplacedEndUser.objects.all()
    assert (replaced.owner, replaced.end_user_id) == (user, gone)
    assert replaced.request_id.startswith("req_")
    assert missing_sent == [(type(user), user.pk, gone, replaced.request_id)]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in warnings] == ["conductor_django.missing"]
    assert gone in warnings[0].getMessage()
    assert f"accounts.User {user.pk}" in warnings[0].getMessage()
    # The old connection is recorded as gone.
    assert ConnectionStatus.objects.get(end_user_id=gone).disconnected_at is not None

    # A second visit sees the new end-user: nothing replaced again.
    client.get(reverse("conductor_django:settings"), {"refresh": "1"})
    assert ReplacedEndUser.objects.count() == 1
    assert len(missing_sent) == 1


def test_auth_session_on_a_missing_end_user_is_issued_for_the_replacement(user, fake_conductor):
    gone = deleted_on_conductors_dashboard(fake_conductor, user)

    link = connection.issue_auth_session(user, reason=AuthSessionRecord.Reason.COMMAND)

    user.refresh_from_db()
    assert link.record.end_user_id == user.conductor_end_user_id != gone
    assert ReplacedEndUser.objects.get().end_user_id == gone


def test_an_end_user_for_this_owner_in_the_new_project_is_adopted_not_duplicated(rsps, stored):
    user, gone = stored, stored.conductor_end_user_id
    rsps.get(HEALTH_CHECK, status=404, json=MISSING)
    # Keys switched to the live project, which already has one for this owner.
    live = end_user_json("end_usr_live", str(user.pk))
    rsps.get(END_USERS, json={"objectType": "list", "url": "/v1/end-users", "data": [live]})
    rsps.add("GET", HEALTH_CHECK, status=200, json={"duration": 5, "status": "ok"})

    status = connection.check(user)

    user.refresh_from_db()
    assert user.conductor_end_user_id == "end_usr_live"
    assert status.end_user_id == "end_usr_live" and status.is_connected
    assert [c.request.method for c in rsps.calls] == ["GET", "GET", "GET"]
    assert ReplacedEndUser.objects.get().end_user_id == gone


@pytest.mark.parametrize(
    "listing",
    [
        {"status": 404, "json": error_json(404, "RESOURCE_MISSING", "INVALID_REQUEST_ERROR")},
        {"status": 200, "json": None},
    ],
    ids=["everything-404s", "still-listed"],
)
def test_an_unconfirmed_404_is_an_outage_and_replaces_nothing(
    rsps, client, stored, listing, missing_sent
):
    user, stored = stored, stored.conductor_end_user_id
    rsps.get(HEALTH_CHECK, status=404, json=MISSING)
    if listing["json"] is None:
        listing["json"] = {"objectType": "list", "url": "/v1/end-users", "data": []}
        listing["json"]["data"].append(end_user_json(stored, str(user.pk)))
    rsps.get(END_USERS, **listing)

    with pytest.raises(MissingNotConfirmed) as caught:
        connection.check(user)
    assert caught.value.is_outage

    client.force_login(user)
    page = client.get(reverse("conductor_django:settings"))
    assert 'data-conductor-outcome="unavailable"' in page.text
    user.refresh_from_db()
    assert user.conductor_end_user_id == stored
    assert not ReplacedEndUser.objects.exists()
    assert missing_sent == []
    assert not [c for c in rsps.calls if c.request.method == "POST"]


def test_the_owners_admin_page_lists_the_replaced_id(admin_client, user, fake_conductor):
    gone = deleted_on_conductors_dashboard(fake_conductor, user)
    connection.check(user)

    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "Replaced, as Conductor no longer had them" in page
    assert gone in page
    listing = admin_client.get("/admin/conductor_django/replacedenduser/", {"q": gone})
    assert gone in listing.content.decode()
