"""Exactly one Conductor end-user per row, whatever runs twice, races or times out."""

import json
import os
import socket
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from conductor_django import signals
from conductor_django.client import errors
from conductor_django.models import EndUserClaim
from conductor_django.owners import owner_reference
from conductor_django.provisioning import (
    ProvisioningInProgress,
    ensure_end_user,
    provisioning_disabled,
)
from conductor_django.tasks import provision_end_user
from conductor_django.tasks_compat import task_backends

from .helpers import BASE_URL, conductor_settings, end_user_json, error_json

pytestmark = pytest.mark.django_db

END_USERS = f"{BASE_URL}/end-users"


def company_from_username(owner):
    return f"{owner.username.title()} Ltd"


def billing_email(owner):
    return f"billing+{owner.pk}@example.com"


def listing(*end_users):
    return {"objectType": "list", "url": "/v1/end-users", "data": list(end_users)}


def run_task(owner):
    return provision_end_user.enqueue(owner._meta.label, owner.pk)


def claim_of(owner):
    return EndUserClaim.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk)
    ).first()


def test_creates_end_user_with_fields_from_the_row(fake_conductor, unprovisioned_user):
    end_user_id = ensure_end_user(unprovisioned_user)

    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id == end_user_id
    created = fake_conductor.end_users[end_user_id]
    assert created["companyName"] == "Bob's Bikes"
    assert created["sourceId"] == str(unprovisioned_user.pk)
    assert created["email"] == "bob@example.com"
    assert claim_of(unprovisioned_user) is None


def test_company_name_defaults_to_full_name_then_username(fake_conductor, django_user_model):
    with provisioning_disabled():
        named = django_user_model.objects.create_user(
            "ada", "ada@example.com", first_name="Ada", last_name="Lovelace"
        )
        bare = django_user_model.objects.create_user("grace", "")

    assert fake_conductor.end_users[ensure_end_user(named)]["companyName"] == "Ada Lovelace"
    bare_end_user = fake_conductor.end_users[ensure_end_user(bare)]
    assert bare_end_user["companyName"] == "grace"
    assert bare_end_user["email"] == ""


def test_company_name_and_email_from_dotted_path_getters(
    settings, fake_conductor, unprovisioned_user
):
    conductor_settings(
        settings,
        COMPANY_NAME_GETTER="tests.core.test_provisioning.company_from_username",
        EMAIL_GETTER="tests.core.test_provisioning.billing_email",
    )

    created = fake_conductor.end_users[ensure_end_user(unprovisioned_user)]

    assert created["companyName"] == "Bob Ltd"
    assert created["email"] == f"billing+{unprovisioned_user.pk}@example.com"
    assert created["sourceId"] == str(unprovisioned_user.pk)


def test_getters_may_be_callables(settings, fake_conductor, unprovisioned_user):
    conductor_settings(settings, COMPANY_NAME_GETTER=company_from_username)

    assert fake_conductor.end_users[ensure_end_user(unprovisioned_user)]["companyName"] == "Bob Ltd"


def test_task_run_twice_posts_once(fake_conductor, unprovisioned_user):
    run_task(unprovisioned_user)
    run_task(unprovisioned_user)

    unprovisioned_user.refresh_from_db()
    assert fake_conductor.count("POST", "/end-users") == 1
    assert list(fake_conductor.end_users) == [unprovisioned_user.conductor_end_user_id]


def test_stale_copy_of_the_row_does_not_create_a_second(
    fake_conductor, unprovisioned_user, django_user_model
):
    stale = django_user_model.objects.get(pk=unprovisioned_user.pk)

    first = ensure_end_user(unprovisioned_user)
    second = ensure_end_user(stale)

    assert second == first
    assert stale.conductor_end_user_id == first
    assert fake_conductor.count("POST", "/end-users") == 1


def test_row_with_an_id_is_left_alone(fake_conductor, django_user_model):
    owner = django_user_model.objects.create_user("carol", conductor_end_user_id="end_usr_known")

    assert ensure_end_user(owner) == "end_usr_known"
    run_task(owner)

    assert fake_conductor.calls == []


def test_end_user_created_signal_sent_once(fake_conductor, unprovisioned_user):
    received = []

    def receiver(sender, owner, end_user_id, **kwargs):
        received.append((sender, owner.pk, end_user_id))

    signals.end_user_created.connect(receiver)
    try:
        end_user_id = ensure_end_user(unprovisioned_user)
        ensure_end_user(unprovisioned_user)
    finally:
        signals.end_user_created.disconnect(receiver)

    assert received == [(type(unprovisioned_user), unprovisioned_user.pk, end_user_id)]


def wait_out_the_hold(owner):
    """Sleep until the owner's create hold (a short CREATE_GRACE_SECONDS) is over."""
    until = claim_of(owner).lease_expires_at
    time.sleep(max(0.0, (until - timezone.now()).total_seconds()) + 0.05)


def test_timed_out_create_holds_every_new_create_then_is_adopted_by_source_id(
    rsps, settings, unprovisioned_user
):
    conductor_settings(settings, CREATE_GRACE_SECONDS=0.5)
    source_id = str(unprovisioned_user.pk)
    rsps.post(END_USERS, body=requests.ReadTimeout("read timed out"))
    before = timezone.now()

    with pytest.raises(errors.TimeoutError):
        ensure_end_user(unprovisioned_user)

    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id is None
    claim = claim_of(unprovisioned_user)
    assert claim.may_exist_upstream is True
    assert claim.attempts == 1
    # Conductor may still complete it: nobody creates another before the grace period is over.
    assert before + timedelta(seconds=0.5) <= claim.lease_expires_at
    assert claim.lease_expires_at <= timezone.now() + timedelta(seconds=0.5)
    with pytest.raises(ProvisioningInProgress) as held:
        ensure_end_user(unprovisioned_user)
    assert held.value.held is True
    assert held.value.retry_at == claim.lease_expires_at
    assert run_task(unprovisioned_user).return_value is None
    assert len(rsps.calls) == 1

    # It did complete; after the grace period the next run finds it by sourceId and adopts it.
    wait_out_the_hold(unprovisioned_user)
    other = end_user_json("end_usr_someone_else", "999999")
    rsps.get(END_USERS, json=listing(other, end_user_json("end_usr_created", source_id)))
    run_task(unprovisioned_user)

    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id == "end_usr_created"
    assert [call.request.method for call in rsps.calls] == ["POST", "GET"]
    assert claim_of(unprovisioned_user) is None


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": error_json(500, "INTERNAL_ERROR", "INTERNAL_ERROR")},
        {"status": 502, "body": "<html>502 Bad Gateway</html>", "content_type": "text/html"},
        {"body": requests.ConnectionError("Connection aborted: RemoteDisconnected")},
    ],
    ids=["5xx", "html-502", "dropped"],
)
def test_ambiguous_create_failures_hold_new_creates(rsps, settings, unprovisioned_user, failure):
    conductor_settings(settings, CREATE_GRACE_SECONDS=30)
    rsps.post(END_USERS, **failure)

    with pytest.raises(errors.ConductorError):
        ensure_end_user(unprovisioned_user)

    claim = claim_of(unprovisioned_user)
    assert claim.may_exist_upstream is True
    assert claim.lease_expires_at > timezone.now() + timedelta(seconds=25)
    with pytest.raises(ProvisioningInProgress):
        ensure_end_user(unprovisioned_user)
    assert len(rsps.calls) == 1


@pytest.mark.parametrize(
    "status, code, type_",
    [
        (400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR"),
        (401, "API_KEY_INVALID", "AUTHENTICATION_ERROR"),
        (429, "TOO_MANY_REQUESTS", "INVALID_REQUEST_ERROR"),
    ],
)
def test_a_create_conductor_refused_holds_nothing(
    rsps, settings, unprovisioned_user, status, code, type_
):
    conductor_settings(settings, MAX_RETRIES=0)
    rsps.post(END_USERS, status=status, json=error_json(status, code, type_))

    with pytest.raises(errors.ConductorAPIError):
        ensure_end_user(unprovisioned_user)

    claim = claim_of(unprovisioned_user)
    assert claim.lease_expires_at is None
    assert claim.may_exist_upstream is False


def test_a_create_that_never_left_holds_nothing(settings, unprovisioned_user, fake_conductor):
    # Conductor not running at all (a newcomer's `createsuperuser` before `runserver`): the
    # connection is refused, so the create cannot have happened and nothing waits for it.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    conductor_settings(settings, API_BASE_URL=f"http://127.0.0.1:{port}/v1", MAX_RETRIES=0)
    fake_conductor.stop()

    with pytest.raises(errors.NetworkError) as refused:
        ensure_end_user(unprovisioned_user)

    assert refused.value.request_sent is False
    claim = claim_of(unprovisioned_user)
    assert claim.lease_expires_at is None
    assert claim.may_exist_upstream is False
    # Once Conductor answers, the very next attempt creates it: no grace period to sit out.
    conductor_settings(settings, API_BASE_URL=fake_conductor.base_url)
    fake_conductor.start()
    assert ensure_end_user(unprovisioned_user) == unprovisioned_user.conductor_end_user_id
    assert fake_conductor.count("POST", "/end-users") == 1


def test_the_fake_can_refuse_the_connection_too(unprovisioned_user, fake_conductor):
    fake_conductor.outage("refused", times=3, method="POST", path="/end-users")

    with pytest.raises(errors.NetworkError):
        ensure_end_user(unprovisioned_user)

    assert claim_of(unprovisioned_user).lease_expires_at is None
    assert ensure_end_user(unprovisioned_user) == unprovisioned_user.conductor_end_user_id


def test_create_after_5xx_checks_for_an_existing_end_user_first(rsps, settings, unprovisioned_user):
    conductor_settings(settings, CREATE_GRACE_SECONDS=0.3)
    rsps.post(END_USERS, status=500, json=error_json(500, "INTERNAL_ERROR", "INTERNAL_ERROR"))

    with pytest.raises(errors.InternalServerError):
        ensure_end_user(unprovisioned_user)

    # It did not happen after all: nothing with this sourceId, so create it now.
    wait_out_the_hold(unprovisioned_user)
    rsps.get(END_USERS, json=listing(end_user_json("end_usr_other", "999999")))
    rsps.replace("POST", END_USERS, json=end_user_json("end_usr_new", str(unprovisioned_user.pk)))

    assert ensure_end_user(unprovisioned_user) == "end_usr_new"
    assert [call.request.method for call in rsps.calls] == ["POST", "GET", "POST"]


def test_a_create_conductor_completes_late_makes_exactly_one_end_user(
    fake_conductor, settings, unprovisioned_user
):
    conductor_settings(settings, CREATE_GRACE_SECONDS=0.6)
    fake_conductor.complete_late(seconds=0.2)

    with pytest.raises(errors.TimeoutError):
        ensure_end_user(unprovisioned_user)
    # Not there yet, as on Conductor: a lookup now would find nothing and create a second.
    assert fake_conductor.end_users == {}
    time.sleep(0.3)
    assert len(fake_conductor.end_users) == 1
    with pytest.raises(ProvisioningInProgress):
        ensure_end_user(unprovisioned_user)

    wait_out_the_hold(unprovisioned_user)
    end_user_id = ensure_end_user(unprovisioned_user)

    assert list(fake_conductor.end_users) == [end_user_id]
    assert fake_conductor.count("POST", "/end-users") == 1
    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id == end_user_id


def test_create_rejected_with_4xx_is_retried_without_listing(rsps, unprovisioned_user):
    body = error_json(400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR", message="email is invalid")
    rsps.post(END_USERS, status=400, json=body)

    with pytest.raises(errors.InvalidRequestError):
        ensure_end_user(unprovisioned_user)

    claim = claim_of(unprovisioned_user)
    assert claim.may_exist_upstream is False
    assert "email is invalid" in claim.last_error

    rsps.replace("POST", END_USERS, json=end_user_json("end_usr_new", str(unprovisioned_user.pk)))
    assert ensure_end_user(unprovisioned_user) == "end_usr_new"
    assert [call.request.method for call in rsps.calls] == ["POST", "POST"]


def test_lease_held_by_another_worker_raises_and_posts_nothing(rsps, unprovisioned_user):
    EndUserClaim.objects.create(
        owner_type=ContentType.objects.get_for_model(unprovisioned_user),
        owner_id=str(unprovisioned_user.pk),
        lease_expires_at=timezone.now() + timedelta(seconds=60),
        attempts=1,
    )

    with pytest.raises(ProvisioningInProgress):
        ensure_end_user(unprovisioned_user)
    assert run_task(unprovisioned_user).return_value is None

    assert len(rsps.calls) == 0
    assert claim_of(unprovisioned_user).attempts == 1


def test_lease_held_but_id_already_stored_returns_it(rsps, unprovisioned_user, django_user_model):
    stale = django_user_model.objects.get(pk=unprovisioned_user.pk)
    django_user_model.objects.filter(pk=stale.pk).update(conductor_end_user_id="end_usr_done")
    EndUserClaim.objects.create(
        owner_type=ContentType.objects.get_for_model(stale),
        owner_id=str(stale.pk),
        lease_expires_at=timezone.now() + timedelta(seconds=60),
    )

    assert ensure_end_user(stale) == "end_usr_done"
    assert len(rsps.calls) == 0


def test_expired_lease_means_a_worker_died_so_reconcile_first(rsps, unprovisioned_user):
    EndUserClaim.objects.create(
        owner_type=ContentType.objects.get_for_model(unprovisioned_user),
        owner_id=str(unprovisioned_user.pk),
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )
    source_id = str(unprovisioned_user.pk)
    rsps.get(END_USERS, json=listing(end_user_json("end_usr_from_dead_worker", source_id)))

    assert ensure_end_user(unprovisioned_user) == "end_usr_from_dead_worker"
    assert [call.request.method for call in rsps.calls] == ["GET"]


def test_task_for_a_deleted_row_does_nothing(fake_conductor, unprovisioned_user):
    label, pk = unprovisioned_user._meta.label, unprovisioned_user.pk
    unprovisioned_user.delete()

    result = provision_end_user.enqueue(label, pk)

    assert result.return_value is None
    assert fake_conductor.calls == []


def test_task_failure_is_logged_once_with_how_to_recover_and_does_not_raise(
    rsps, unprovisioned_user, caplog
):
    body = error_json(401, "API_KEY_INVALID", "AUTHENTICATION_ERROR", request_id="req_refused")
    rsps.post(END_USERS, status=401, json=body)

    result = run_task(unprovisioned_user)

    # A raising task gets a traceback from the backend: this one logs and returns.
    assert result.status == "SUCCESSFUL"
    (record,) = [r for r in caplog.records if r.name.startswith("conductor_django")]
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    message = record.getMessage()
    assert f"accounts.User {unprovisioned_user.pk}" in message
    assert "API_KEY_INVALID" in message and "req_refused" in message
    assert "conductor_sync_end_users" in message
    assert ".." not in message


def dummy_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def test_transient_failure_deferred_on_a_backend_that_can(
    settings, fake_conductor, unprovisioned_user
):
    backend = dummy_backend(settings)
    conductor_settings(settings, CREATE_GRACE_SECONDS=0.3)
    fake_conductor.outage(503, times=1)

    provision_end_user.call(unprovisioned_user._meta.label, unprovisioned_user.pk)

    (queued,) = backend.results
    assert list(queued.args) == [unprovisioned_user._meta.label, unprovisioned_user.pk, 2]
    # Not before the hold a 5xx puts on new creates is over, plus the backoff.
    assert queued.task.run_after > claim_of(unprovisioned_user).lease_expires_at

    wait_out_the_hold(unprovisioned_user)
    provision_end_user.call(*queued.args)
    unprovisioned_user.refresh_from_db()
    assert unprovisioned_user.conductor_end_user_id in fake_conductor.end_users
    assert fake_conductor.count("POST", "/end-users") == 2
    assert fake_conductor.count("GET", "/end-users") == 1
    assert len(fake_conductor.end_users) == 1
    assert json.loads(fake_conductor.mock.calls[0].request.body)["sourceId"] == str(
        unprovisioned_user.pk
    )


def test_task_that_meets_a_hold_runs_again_after_it_not_before(
    settings, fake_conductor, unprovisioned_user
):
    backend = dummy_backend(settings)
    hold_until = timezone.now() + timedelta(seconds=90)
    EndUserClaim.objects.create(
        **owner_reference(unprovisioned_user),
        lease_expires_at=hold_until,
        may_exist_upstream=True,
        last_error="Conductor did not answer in time.",
    )

    assert provision_end_user.call(unprovisioned_user._meta.label, unprovisioned_user.pk) is None

    (queued,) = backend.results
    assert queued.args[-1] == 2
    assert queued.task.run_after >= hold_until
    assert fake_conductor.calls == []


def test_task_retries_are_bounded_by_task_max_attempts(
    settings, fake_conductor, unprovisioned_user, caplog
):
    backend = dummy_backend(settings)
    conductor_settings(settings, TASK_MAX_ATTEMPTS=3)
    EndUserClaim.objects.create(
        **owner_reference(unprovisioned_user),
        lease_expires_at=timezone.now() + timedelta(seconds=90),
        last_error="Conductor did not answer in time.",
    )

    provision_end_user.call(unprovisioned_user._meta.label, unprovisioned_user.pk, 3)

    assert backend.results == []
    (record,) = [r for r in caplog.records if r.name == "conductor_django.tasks"]
    assert record.levelname == "WARNING"
    assert "gives up after 3 attempts" in record.getMessage()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    os.environ.get("CONDUCTOR_TEST_DB") != "postgres",
    reason="in-memory SQLite locks whole tables across threads: needs CONDUCTOR_TEST_DB=postgres",
)
def test_two_workers_racing_create_one_end_user(rsps, django_user_model):
    with provisioning_disabled():
        owner = django_user_model.objects.create_user("racer", "racer@example.com")
    posts = []

    def slow_create(request):
        posts.append(request)
        # Hold the create open so the other worker arrives while it is in flight.
        time.sleep(0.05)
        return 200, {}, json.dumps(end_user_json("end_usr_race", str(owner.pk)))

    rsps.add_callback("POST", END_USERS, callback=slow_create)
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        copy = django_user_model.objects.get(pk=owner.pk)
        start.wait()
        try:
            outcomes.append(ensure_end_user(copy))
        except ProvisioningInProgress:
            outcomes.append("in progress")
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(posts) == 1
    assert sorted(outcomes, key=str) in (
        ["end_usr_race", "end_usr_race"],
        ["end_usr_race", "in progress"],
    )
    owner.refresh_from_db()
    assert owner.conductor_end_user_id == "end_usr_race"
