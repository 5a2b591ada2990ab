from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command, load_command_class

from conductor_django.models import AuthSessionRecord

pytestmark = pytest.mark.django_db


def send(*args):
    out, err = StringIO(), StringIO()
    call_command("conductor_send_link", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("identify", ["pk", "username", "email", "end_user"])
def test_sends_the_link_to_the_owner_found_by_any_identifier(make_user, fake_conductor, identify):
    alice = make_user("alice")
    make_user("bob")
    identifier = {
        "pk": str(alice.pk),
        "username": "alice",
        "email": "ALICE@example.com",
        "end_user": alice.conductor_end_user_id,
    }[identify]

    out, err = send(identifier)

    [session] = fake_conductor.auth_sessions
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert session["endUserId"] == alice.conductor_end_user_id
    assert session["authFlowUrl"] in email.body
    assert out.startswith(
        "Sent a QuickBooks Desktop connection link for alice to alice@example.com"
    )
    assert session["authFlowUrl"] not in out + err
    record = AuthSessionRecord.objects.get()
    assert (record.reason, record.sent_to) == ("emailed_link", "alice@example.com")
    assert record.expires_at - record.created_at == timedelta(minutes=1440)


def test_to_another_address_with_its_own_expiry(make_user, fake_conductor):
    make_user("alice")

    out, _ = send("alice", "--to", "books@example.com", "--expiry-minutes", "15")

    [email] = mail.outbox
    assert email.to == ["books@example.com"]
    assert "to books@example.com" in out
    record = AuthSessionRecord.objects.get()
    assert record.expires_at - record.created_at == timedelta(minutes=15)


def test_print_url_prints_it_with_a_warning(make_user, fake_conductor):
    make_user("alice")

    out, err = send("alice", "--print-url")

    [session] = fake_conductor.auth_sessions
    assert out.splitlines()[-1] == session["authFlowUrl"]
    assert "credential" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody"], "No user matches 'nobody'"),
        (["alice", "--expiry-minutes", "10"], "--expiry-minutes"),
        (["alice", "--expiry-minutes", "10081"], "--expiry-minutes"),
        (["mute"], "has no email address; give one with --to"),
    ],
)
def test_refusals(make_user, fake_conductor, args, message):
    make_user("alice")
    make_user("mute", email="")

    with pytest.raises(CommandError, match=message):
        send(*args)

    assert mail.outbox == []
    assert fake_conductor.auth_sessions == []


def test_an_identifier_matching_two_owners_is_refused(make_user, fake_conductor):
    alice = make_user("alice")
    make_user(str(alice.pk))  # a username that is another user's primary key

    with pytest.raises(CommandError, match="matches more than one user"):
        send(str(alice.pk))
    assert mail.outbox == []


def test_conductor_failure_sends_nothing(make_user, fake_conductor):
    make_user("alice")
    fake_conductor.outage(500)

    with pytest.raises(CommandError, match="Conductor did not create the link"):
        send("alice")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "command, phrases",
    [
        ("conductor_sync_end_users", ["--dry-run", "--concurrency", "idempotent", "exit status"]),
        ("conductor_check_connections", ["--stale-after", "--all", "exit status is 1 only"]),
        ("conductor_send_link", ["--to", "--expiry-minutes", "--print-url", "bearer credential"]),
    ],
)
def test_help(command, phrases):
    help_text = load_command_class("conductor_django", command).create_parser("manage.py", command)
    text = " ".join(help_text.format_help().split())

    for phrase in phrases:
        assert phrase in text
