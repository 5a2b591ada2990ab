"""Exactly one Conductor end-user per user on PostgreSQL, under races, crashes and outages,
counted by the sandbox's request log (every POST /end-users that reached it)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from conductor_django.models import EndUserClaim
from conductor_django.provisioning import ProvisioningInProgress, ensure_end_user
from conductor_django.sandbox import control
from conductor_django.tasks import provision_end_user
from tests.tasks.support import (
    end_users_for,
    needs_shared_database,
    running,
    sign_up,
    sync_end_users,
    wait_for,
)
from tests.threads import all_at_once

pytestmark = needs_shared_database
User = get_user_model()


def _new_user(username="racer"):
    from conductor_django.provisioning import provisioning_disabled

    with provisioning_disabled():
        return User.objects.create_user(username, f"{username}@example.com", "pw")


def _stored_id(user):
    return User.objects.filter(pk=user.pk).values_list("conductor_end_user_id", flat=True).get()


def _posts():
    return control.request_count("POST", "/end-users")


def test_twenty_concurrent_provisioning_tasks_make_one_end_user(sandbox):
    user = _new_user()
    # A slow create keeps the first attempt in flight while the other nineteen arrive.
    control.fail_next(1, "delay", method="POST", path="/end-users", delay_ms=500)

    results, errors = all_at_once(20, lambda: provision_end_user.call(User._meta.label, user.pk))

    assert errors == []
    [end_user] = end_users_for(user)
    assert _posts() == 1
    assert _stored_id(user) == end_user["id"]
    assert end_user["id"] in results
    assert not EndUserClaim.objects.exists()


def test_twenty_concurrent_settings_pages_of_a_user_without_end_user_make_one(sandbox):
    user = _new_user()
    control.fail_next(1, "delay", method="POST", path="/end-users", delay_ms=500)

    def open_settings():
        client = Client()
        client.force_login(user)
        return client.get("/quickbooks/").status_code

    statuses, errors = all_at_once(20, open_settings)

    assert errors == []
    # The one that created it went on to the auth flow; the others were told to come back.
    assert set(statuses) <= {200, 302} and 302 in statuses
    assert _posts() == 1
    [end_user] = end_users_for(user)
    assert _stored_id(user) == end_user["id"]


def test_crash_between_conductors_create_and_our_save_is_reconciled(sandbox):
    user = _new_user("crasher")
    # Conductor holds the request long enough for us to kill the process that sent it.
    control.fail_next(1, "delay", method="POST", path="/end-users", delay_ms=1500)
    code = (
        "from conductor_django.tasks import provision_end_user; "
        f"provision_end_user.call('{User._meta.label}', {user.pk})"
    )
    with running(
        "shell", "-c", code, base_url=sandbox, CONDUCTOR_WORKER_LEASE_SECONDS=2
    ) as process:
        wait_for(lambda: control.faults()["pending"] == [], what="the POST", log=process.log)
        process.kill()
    # The sandbox finishes the create for a client that is gone.
    wait_for(lambda: end_users_for(user), what="the orphaned end-user")
    assert _stored_id(user) is None

    # While the dead process's lease runs, nobody else creates a second one...
    with pytest.raises(ProvisioningInProgress):
        ensure_end_user(User.objects.get(pk=user.pk))
    # ...and once it has run out, the next attempt finds the orphan by sourceId.
    claim = EndUserClaim.objects.get()
    wait_for(lambda: _lease_expired(claim), timeout=10, what="the lease to run out")
    end_user_id = ensure_end_user(User.objects.get(pk=user.pk))

    [orphan] = end_users_for(user)
    assert end_user_id == orphan["id"] == _stored_id(user)
    assert _posts() == 1


def _lease_expired(claim):
    from django.utils import timezone

    claim.refresh_from_db()
    return claim.lease_expires_at < timezone.now()


def test_hundred_sign_ups_during_an_outage_all_succeed_and_sync_gives_each_one(
    sandbox, client, settings
):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "CREATE_GRACE_SECONDS": 1}
    control.set_faults(fault_rate=1.0, fault_kinds=["http_503"])

    users = [sign_up(client, f"user{n:03d}") for n in range(100)]

    assert all(_stored_id(user) is None for user in users)
    assert control.end_users() == []
    control.clear_faults()
    # A 503 may hide a create that happened: nothing is created again before the grace period.
    time.sleep(1.1)
    sync_end_users()
    sync_end_users()

    by_source = {}
    for end_user in control.end_users():
        by_source.setdefault(end_user["sourceId"], []).append(end_user["id"])
    assert len(by_source) == 100
    for user in users:
        assert by_source[str(user.pk)] == [_stored_id(user)]


def test_twenty_concurrent_requests_replace_a_missing_end_user_exactly_once(sandbox):
    from conductor_django import connection, signals
    from conductor_django.clients import get_client
    from conductor_django.models import AuthSessionRecord, ReplacedEndUser

    user = _new_user("vanished")
    gone = ensure_end_user(user)
    # Deleted on Conductor's dashboard; the replacement create is slow, so the others arrive
    # while it is in flight.
    get_client().delete_end_user(gone)
    control.fail_next(1, "delay", method="POST", path="/end-users", delay_ms=500)
    sent = []

    def receiver(sender, owner, end_user_id, **kwargs):
        sent.append(end_user_id)

    signals.end_user_missing.connect(receiver)
    try:
        results, errors = all_at_once(
            20,
            lambda: (
                connection.issue_auth_session(
                    User.objects.get(pk=user.pk), reason=AuthSessionRecord.Reason.API
                ).record.end_user_id
            ),
        )
    finally:
        signals.end_user_missing.disconnect(receiver)

    # Those that came while the replacement was being created were told so, nothing else.
    assert all(isinstance(error, ProvisioningInProgress) for error in errors), errors
    [replacement] = end_users_for(user)
    assert set(results) == {replacement["id"]} and replacement["id"] != gone
    assert _stored_id(user) == replacement["id"]
    assert _posts() == 2
    assert sent == [gone]
    assert list(ReplacedEndUser.objects.values_list("end_user_id", flat=True)) == [gone]
