"""The Conductor actions on the host's user admin, as support staff use them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils.html import escape

from conductor_django.client.catalog import (
    GENERIC_USER_MESSAGE,
    PERMISSION_DENIED_USER_MESSAGE,
    QBD_NOT_RUNNING_USER_MESSAGE,
)
from conductor_django.models import AuthSessionRecord, ConnectionStatus

from .support import USERS_URL, messages_of, run_action

pytestmark = pytest.mark.django_db
SECRET_KEY = settings.CONDUCTOR["SECRET_KEY"]


def assert_no_credentials(response, fake_conductor):
    page = response.content.decode()
    assert SECRET_KEY not in page
    for session in fake_conductor.auth_sessions:
        assert session["authFlowUrl"] not in page
        assert session["clientSecret"] not in page


# Run health check now


def test_health_check_reports_each_owner_at_its_level(admin_client, make_user, fake_conductor):
    alice = make_user("alice", "connected")
    bob = make_user("bob", "qbd_not_running")
    carol = make_user("carol")

    response = run_action(admin_client, "run_health_check", [alice, bob, carol])

    assert messages_of(response) == [
        ("SUCCESS", "alice: connected."),
        ("WARNING", f"bob: {QBD_NOT_RUNNING_USER_MESSAGE} (QBD_CONNECTION_ERROR)"),
        ("WARNING", "carol: not set up yet."),
    ]
    recorded = dict(ConnectionStatus.objects.values_list("end_user_id", "status"))
    assert recorded == {
        alice.conductor_end_user_id: "connected",
        bob.conductor_end_user_id: "error",
        carol.conductor_end_user_id: "not_set_up",
    }


def test_health_check_during_an_outage_is_an_error_and_records_nothing(
    admin_client, make_user, fake_conductor
):
    alice = make_user("alice", "connected")
    fake_conductor.outage(503)

    response = run_action(admin_client, "run_health_check", [alice])

    assert messages_of(response) == [
        ("ERROR", f"alice: could not run the health check: {GENERIC_USER_MESSAGE}")
    ]
    assert not ConnectionStatus.objects.exists()


# Send QuickBooks Desktop connection link


def test_send_link_asks_for_confirmation_first(admin_client, make_user, fake_conductor):
    alice = make_user("alice")
    bob = make_user("bob", email="")

    response = run_action(admin_client, "send_connection_link", [alice, bob])

    assert response.status_code == 200
    page = response.content.decode()
    assert "alice@example.com" in page
    assert "no email address" in page
    assert 'name="expiry_minutes"' in page and 'value="1440"' in page
    assert mail.outbox == []
    assert fake_conductor.count("POST", "/auth-sessions") == 0


def test_send_link_emails_the_owner_and_records_it(
    admin_client, admin_user, make_user, fake_conductor
):
    alice = make_user("alice")

    response = run_action(
        admin_client, "send_connection_link", [alice], post="yes", send_to="", expiry_minutes=120
    )

    [session] = fake_conductor.auth_sessions
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert "Alice Ltd" in email.subject
    assert session["authFlowUrl"] in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert session["authFlowUrl"] in html
    record = AuthSessionRecord.objects.get()
    assert (record.reason, record.sent_to, record.issued_by) == (
        "emailed_link",
        "alice@example.com",
        admin_user,
    )
    assert record.expires_at - record.created_at == timedelta(minutes=120)
    [(level, text)] = messages_of(response)
    assert level == "SUCCESS"
    assert text.startswith("alice: sent a QuickBooks Desktop connection link to alice@example.com")
    assert_no_credentials(response, fake_conductor)


def test_send_link_to_another_address(admin_client, make_user, fake_conductor):
    alice = make_user("alice")

    run_action(
        admin_client,
        "send_connection_link",
        [alice],
        post="yes",
        send_to="books@example.com",
        expiry_minutes=1440,
    )

    [email] = mail.outbox
    assert email.to == ["books@example.com"]
    assert AuthSessionRecord.objects.get().sent_to == "books@example.com"


def test_another_address_is_refused_for_several_owners(admin_client, make_user, fake_conductor):
    alice, bob = make_user("alice"), make_user("bob")

    response = run_action(
        admin_client,
        "send_connection_link",
        [alice, bob],
        post="yes",
        send_to="books@example.com",
        expiry_minutes=1440,
    )

    assert "only when one owner is selected" in response.content.decode()
    assert mail.outbox == []
    assert fake_conductor.count("POST", "/auth-sessions") == 0


@pytest.mark.parametrize("minutes", [14, 10081])
def test_expiry_outside_conductors_bounds_is_refused(
    admin_client, make_user, fake_conductor, minutes
):
    alice = make_user("alice")

    response = run_action(
        admin_client, "send_connection_link", [alice], post="yes", expiry_minutes=minutes
    )

    assert response.context["form"].errors["expiry_minutes"]
    assert mail.outbox == []


def test_send_link_reports_each_owner(admin_client, make_user, fake_conductor):
    alice = make_user("alice")
    nobody = make_user("nobody", email="")

    response = run_action(
        admin_client, "send_connection_link", [alice, nobody], post="yes", expiry_minutes=60
    )

    [(ok, _), (failed, text)] = messages_of(response)
    assert ok == "SUCCESS"
    assert (failed, text.split(",")[0]) == ("ERROR", "nobody: no link sent")
    assert [email.to for email in mail.outbox] == [["alice@example.com"]]


def test_send_link_when_conductor_fails_sends_nothing(admin_client, make_user, fake_conductor):
    alice = make_user("alice")
    fake_conductor.outage(500)

    response = run_action(
        admin_client, "send_connection_link", [alice], post="yes", expiry_minutes=60
    )

    assert messages_of(response) == [("ERROR", f"alice: no link sent: {GENERIC_USER_MESSAGE}")]
    assert mail.outbox == []
    assert not AuthSessionRecord.objects.exists()


# Create missing Conductor end-users


def test_create_end_users_creates_only_missing_ones(admin_client, make_user, fake_conductor):
    alice = make_user("alice")
    bob = make_user("bob", provisioned=False)
    carol = make_user("carol", provisioned=False)
    posts_before = fake_conductor.count("POST", "/end-users")

    response = run_action(admin_client, "create_end_users", [alice, bob, carol])

    bob.refresh_from_db()
    carol.refresh_from_db()
    assert messages_of(response) == [
        ("INFO", f"alice: already had Conductor end-user {alice.conductor_end_user_id}."),
        ("SUCCESS", f"bob: created Conductor end-user {bob.conductor_end_user_id}."),
        ("SUCCESS", f"carol: created Conductor end-user {carol.conductor_end_user_id}."),
    ]
    assert fake_conductor.count("POST", "/end-users") == posts_before + 2


def test_create_end_users_reports_failures_in_conductors_words(
    admin_client, make_user, fake_conductor
):
    bob = make_user("bob", provisioned=False)
    fake_conductor.outage(401, method="POST", path="/end-users")

    response = run_action(admin_client, "create_end_users", [bob])

    assert messages_of(response) == [
        ("ERROR", f"bob: could not create its end-user: {GENERIC_USER_MESSAGE}")
    ]
    bob.refresh_from_db()
    assert bob.conductor_end_user_id is None


def test_create_end_users_reports_each_row_held_or_being_created(
    admin_client, make_user, fake_conductor
):
    from datetime import timedelta

    from django.utils import timezone

    from conductor_django.admin.common import when
    from conductor_django.models import EndUserClaim
    from conductor_django.owners import owner_reference

    alice = make_user("alice")
    bob, carol, dave = (make_user(n, provisioned=False) for n in ("bob", "carol", "dave"))
    busy_until = timezone.now() + timedelta(seconds=60)
    EndUserClaim.objects.create(**owner_reference(carol), lease_expires_at=busy_until)
    fake_conductor.outage("timeout", times=1, method="POST")
    posts_before = fake_conductor.count("POST", "/end-users")

    response = run_action(admin_client, "create_end_users", [alice, bob, carol, dave])

    bob_held_until = EndUserClaim.objects.get(**owner_reference(bob)).lease_expires_at
    dave.refresh_from_db()
    assert messages_of(response) == [
        ("INFO", f"alice: already had Conductor end-user {alice.conductor_end_user_id}."),
        (
            "ERROR",
            "bob: could not create its end-user: Conductor could not be reached. Please try "
            "again in a few minutes. (Conductor may still complete it: no new attempt before "
            f"{when(bob_held_until)})",
        ),
        (
            "WARNING",
            f"carol: its end-user is being created right now (try again after {when(busy_until)})",
        ),
        ("SUCCESS", f"dave: created Conductor end-user {dave.conductor_end_user_id}."),
    ]

    again = run_action(admin_client, "create_end_users", [bob])

    assert messages_of(again) == [
        (
            "WARNING",
            "bob: not created, as an earlier create may still complete at Conductor (try again "
            f"after {when(bob_held_until)})",
        )
    ]
    # Bob's create that timed out and Dave's: nothing was sent for Carol, nor for Bob again.
    assert fake_conductor.count("POST", "/end-users") == posts_before + 2


# Disconnect QuickBooks Desktop


def test_disconnect_confirms_then_deletes_the_end_user(admin_client, make_user, fake_conductor):
    alice = make_user("alice", "connected")
    end_user_id = alice.conductor_end_user_id

    page = run_action(admin_client, "disconnect_quickbooks", [alice])
    assert page.status_code == 200 and "Yes, disconnect" in page.content.decode()
    assert end_user_id in fake_conductor.end_users

    response = run_action(admin_client, "disconnect_quickbooks", [alice], post="yes")

    assert messages_of(response) == [("SUCCESS", "alice: disconnected.")]
    assert end_user_id not in fake_conductor.end_users
    alice.refresh_from_db()
    assert alice.conductor_end_user_id is None


# Permissions


@pytest.fixture
def support_client(client, django_user_model):
    """A staff member who may change users but holds none of the Conductor permissions."""
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("support", "s@example.com", "pw", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(staff)
    client.staff = staff
    return client


ACTIONS = {
    "send_connection_link": "send_connection_link",
    "run_health_check": "run_health_check",
    "create_end_users": "create_end_users",
    "disconnect_quickbooks": "disconnect_quickbooks",
}


def action_names(client):
    form = client.get(USERS_URL).context["action_form"]
    return {name for name, _ in form.fields["action"].choices} if form else set()


def test_change_permission_alone_offers_no_conductor_action(support_client):
    assert action_names(support_client).isdisjoint(ACTIONS)


@pytest.mark.parametrize("action, permission", ACTIONS.items())
def test_each_action_needs_its_own_permission(
    support_client, make_user, fake_conductor, action, permission
):
    from django.contrib.auth.models import Permission

    alice = make_user("alice", "connected")
    calls_before = len(fake_conductor.calls)

    refused = run_action(support_client, action, [alice], post="yes", expiry_minutes=60)

    assert not [text for _, text in messages_of(refused) if text.startswith("alice")]
    assert b"Yes, disconnect" not in refused.content
    assert len(fake_conductor.calls) == calls_before
    assert mail.outbox == []

    support_client.staff.user_permissions.add(
        Permission.objects.get(codename=permission, content_type__app_label="conductor_django")
    )
    support_client.staff = type(support_client.staff).objects.get(pk=support_client.staff.pk)
    assert action in action_names(support_client)


# The change page


def test_change_page_shows_the_recorded_connection_without_credentials(
    admin_client, make_user, fake_conductor
):
    alice = make_user("alice", "permission_denied")
    run_action(admin_client, "run_health_check", [alice])
    run_action(admin_client, "send_connection_link", [alice], post="yes", expiry_minutes=60)
    calls_before = len(fake_conductor.calls)

    response = admin_client.get(f"{USERS_URL}{alice.pk}/change/")

    page = response.content.decode()
    assert "QuickBooks Desktop connection" in page
    assert alice.conductor_end_user_id in page
    assert "Error, last checked" in page
    assert "QBD_CONNECTION_ERROR" in page
    assert escape(PERMISSION_DENIED_USER_MESSAGE) in page
    assert len(fake_conductor.calls) == calls_before
    assert_no_credentials(response, fake_conductor)


def test_change_page_of_a_user_never_checked(admin_client, make_user):
    bob = make_user("bob", provisioned=False)

    page = admin_client.get(f"{USERS_URL}{bob.pk}/change/").content.decode()

    assert "No Conductor end-user yet." in page


def test_add_page_still_works(admin_client):
    assert admin_client.get(f"{USERS_URL}add/").status_code == 200
