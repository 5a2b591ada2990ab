"""What is recorded about each connection and each auth session, and the signals sent."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from conductor_django import connection, signals
from conductor_django.client import NetworkError
from conductor_django.client.catalog import NOT_ACTIVE_USER_MESSAGE, QBD_NOT_RUNNING_USER_MESSAGE
from conductor_django.models import AuthSessionRecord, ConnectionStatus

pytestmark = pytest.mark.django_db

Status = ConnectionStatus.Status


@pytest.fixture
def sent():
    """Every app signal sent during the test, as (signal name, kwargs)."""
    received = []
    hooks = {
        name: getattr(signals, name)
        for name in (
            "end_user_created",
            "auth_session_created",
            "connection_status_changed",
            "connection_completed",
        )
    }
    receivers = {}
    for name, signal in hooks.items():

        def receiver(sender, signal, _name=name, **kwargs):
            received.append((_name, {"sender": sender, **kwargs}))

        receivers[name] = receiver
        signal.connect(receiver)
    yield received
    for name, signal in hooks.items():
        signal.disconnect(receivers[name])


def status_changes(sent):
    return [
        (kwargs["old_status"], kwargs["new_status"], kwargs["error_code"])
        for name, kwargs in sent
        if name == "connection_status_changed"
    ]


def test_error_outcome_recorded_with_conductors_fields(user, fake_conductor):
    fake_conductor.set_scenario(user, "qbd_not_running")

    connection.check(user)

    status = ConnectionStatus.objects.get()
    assert status.end_user_id == user.conductor_end_user_id
    assert status.owner == user
    assert status.status == Status.ERROR
    assert status.error_code == "QBD_CONNECTION_ERROR"
    assert status.integration_code == "0x80040408"
    assert status.user_facing_message == QBD_NOT_RUNNING_USER_MESSAGE
    assert status.request_id.startswith("req_")
    assert status.checked_at is not None
    assert status.first_connected_at is None
    assert not status.is_connected


def test_first_connected_at_kept_across_later_checks(user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    first = connection.check(user).first_connected_at
    fake_conductor.set_scenario(user, "not_active")
    failing = connection.check(user)
    fake_conductor.set_scenario(user, "connected")
    again = connection.check(user)

    assert isinstance(first, datetime)
    assert failing.first_connected_at == first
    assert failing.user_facing_message == NOT_ACTIVE_USER_MESSAGE
    assert again.first_connected_at == first
    assert again.checked_at > first
    # A passing check clears the last error.
    assert (again.error_code, again.integration_code, again.user_facing_message) == ("", "", "")
    assert ConnectionStatus.objects.count() == 1


def test_signals_carry_old_and_new_status(user, fake_conductor, sent):
    connection.check(user)
    fake_conductor.set_scenario(user, "connected")
    connection.check(user)
    connection.check(user)
    fake_conductor.set_scenario(user, "not_active")
    connection.check(user)
    fake_conductor.set_scenario(user, "connected")
    connection.check(user)

    assert status_changes(sent) == [
        (None, Status.NOT_SET_UP, "INTEGRATION_CONNECTION_NOT_SET_UP"),
        (Status.NOT_SET_UP, Status.CONNECTED, ""),
        (Status.CONNECTED, Status.ERROR, "INTEGRATION_CONNECTION_NOT_ACTIVE"),
        (Status.ERROR, Status.CONNECTED, ""),
    ]
    completed = [kwargs for name, kwargs in sent if name == "connection_completed"]
    assert len(completed) == 2
    assert completed[0]["owner"] == user
    assert completed[0]["end_user_id"] == user.conductor_end_user_id
    changed = [kwargs for name, kwargs in sent if name == "connection_status_changed"]
    assert changed[2]["user_facing_message"] == NOT_ACTIVE_USER_MESSAGE
    assert {kwargs["sender"] for _, kwargs in sent} == {type(user)}


def test_outage_leaves_recorded_status_and_sends_nothing(user, fake_conductor, sent):
    fake_conductor.set_scenario(user, "connected")
    before = connection.check(user)
    sent.clear()
    fake_conductor.outage("network")

    with pytest.raises(NetworkError):
        connection.check(user)

    after = ConnectionStatus.objects.get()
    assert (after.status, after.checked_at) == (Status.CONNECTED, before.checked_at)
    assert sent == []


def test_auth_session_record_without_client_secret_or_url(client, user, fake_conductor, sent):
    client.force_login(user)

    response = client.get("/quickbooks/")

    (session,) = fake_conductor.auth_sessions
    record = AuthSessionRecord.objects.get()
    assert response["Location"] == session["authFlowUrl"]
    assert record.auth_session_id == session["id"]
    assert record.end_user_id == user.conductor_end_user_id
    assert record.owner == user
    assert record.issued_by == user
    assert record.reason == AuthSessionRecord.Reason.SETTINGS_PAGE
    assert record.sent_to == ""
    assert record.redirect_url == "http://testserver/quickbooks/callback/"
    assert record.expires_at == datetime.fromisoformat(session["expiresAt"])
    assert (record.expires_at - record.created_at).total_seconds() == 30 * 60
    assert record.completed_at is None
    token = parse_qs(urlsplit(session["redirectUrl"]).query)["state"][0]
    stored = " ".join(
        str(field.value_from_object(record)) for field in AuthSessionRecord._meta.concrete_fields
    )
    for secret in (session["clientSecret"], session["authFlowUrl"], token):
        assert secret not in stored
    assert session["clientSecret"] not in str(record)
    created = [kwargs for name, kwargs in sent if name == "auth_session_created"]
    assert [kwargs["record"] for kwargs in created] == [record]
    assert created[0]["owner"] == user


def test_recorded_status_needs_no_network(user, fake_conductor):
    assert connection.recorded_status(user) is None
    checked = connection.check(user)
    calls = len(fake_conductor.calls)

    assert connection.recorded_status(user) == checked
    assert len(fake_conductor.calls) == calls


def test_signals_from_the_views_name_the_owner_model(client, user, fake_conductor, sent):
    client.force_login(user)

    client.get("/quickbooks/")

    names = [name for name, _ in sent]
    assert names == ["connection_status_changed", "auth_session_created"]
    for _, kwargs in sent:
        assert kwargs["sender"] is type(user)
        assert type(kwargs["owner"]) is type(user)
        assert kwargs["owner"].pk == user.pk
