"""With a task queue, a busy endpoint wakes it rather than queueing a task per delivery: one
task per web process per second applies every event stored meanwhile, none is left behind, and
two such tasks never apply one event twice."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from conductor_django.codat.models import CodatConnection, CodatWebhookEvent
from conductor_django.codat.webhooks import processing, tasks
from conductor_django.tasks_compat import task_backends
from tests.tasks.support import wait_for
from tests.threads import all_at_once

from .support import connection_event

pytestmark = pytest.mark.django_db
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Status = CodatWebhookEvent.Status


@pytest.fixture
def queue(settings):
    """A queue no worker reads yet: what the endpoint queued, in order."""
    settings.TASKS = DUMMY_TASKS
    backend = task_backends["default"]
    backend.clear()
    return backend.results


def run(result):
    return result.task.call(*result.args, **result.kwargs)


def connections(codat, owner, count):
    return [codat.add_connection(owner.codat_company_id, "gbol")["id"] for _ in range(count)]


def test_a_burst_queues_one_task_which_applies_every_event(codat, owner, post, queue, heard):
    ids = connections(codat, owner, 20)
    for connection_id in ids:
        assert post(connection_event(codat, "connection.created", connection_id)).status_code == 204

    assert [r.task.name for r in queue] == ["process_received_events"]
    assert set(CodatWebhookEvent.objects.values_list("status", flat=True)) == {Status.RECEIVED}
    assert not heard

    assert run(queue[0]) == 20

    assert set(CodatWebhookEvent.objects.values_list("status", flat=True)) == {Status.PROCESSED}
    assert CodatConnection.objects.filter(connection_id__in=ids).count() == 20
    assert len(heard) == 20


def test_an_event_stored_after_the_task_looked_is_applied_by_its_last_look(
    codat, owner, post, queue
):
    [first, second] = connections(codat, owner, 2)
    post(connection_event(codat, "connection.created", first))
    [woken] = queue
    assert run(woken) == 1

    # Stored after the task looked, inside the interval in which its process does not wake
    # the queue again: the look queued for after that interval applies it.
    post(connection_event(codat, "connection.created", second))
    [_, again] = queue
    assert again.task.name == "process_received_events"
    assert again.task.run_after == datetime.fromtimestamp(
        woken.args[0] + tasks.WAKE_INTERVAL + tasks.CLOCK_SLACK, tz=UTC
    )
    assert CodatWebhookEvent.objects.get(connection_id=second).status == Status.RECEIVED
    assert run(again) == 1
    assert CodatWebhookEvent.objects.get(connection_id=second).status == Status.PROCESSED
    assert len(queue) == 2, "the last look queues nothing more"


def test_once_the_interval_has_passed_an_event_wakes_the_queue_again(
    codat, owner, post, queue, monkeypatch
):
    monkeypatch.setattr(tasks.WAKER, "interval", 0.05)
    [first, second] = connections(codat, owner, 2)
    post(connection_event(codat, "connection.created", first))
    time.sleep(0.06)
    post(connection_event(codat, "connection.created", second))

    assert [r.task.name for r in queue] == ["process_received_events"] * 2


def test_a_queue_that_refused_the_wake_is_tried_again_by_the_next_event(
    codat, owner, post, queue, settings, caplog
):
    [first, second] = connections(codat, owner, 2)
    settings.TASKS = {**DUMMY_TASKS, "codat": {"BACKEND": "tests.task_backends.RefusingBackend"}}
    settings.CODAT = {**settings.CODAT, "TASK_BACKEND": "codat"}
    assert post(connection_event(codat, "connection.created", first)).status_code == 204
    assert "Could not enqueue process_received_events" in caplog.text

    settings.CODAT = {**settings.CODAT, "TASK_BACKEND": "default"}
    assert post(connection_event(codat, "connection.created", second)).status_code == 204

    [woken] = task_backends["default"].results
    assert run(woken) == 2, "the event the refused wake was for is applied too"


def test_an_event_whose_worker_died_while_applying_it_is_applied_later(
    codat, owner, post, queue, heard
):
    [connection_id] = connections(codat, owner, 1)
    post(connection_event(codat, "connection.created", connection_id))
    event = CodatWebhookEvent.objects.get()
    # Claimed (attempts moved on), then the worker was killed before it recorded anything.
    CodatWebhookEvent.objects.filter(pk=event.pk).update(attempts=1)
    assert processing.process_received() == 0, "a live claim is not taken over"

    CodatWebhookEvent.objects.filter(pk=event.pk).update(
        received_at=event.received_at - processing.STALE_CLAIM
    )
    assert processing.process_received() == 1

    event.refresh_from_db()
    assert (event.status, event.attempts) == (Status.PROCESSED, 2)
    assert len(heard) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_where_the_backend_cannot_defer_the_task_waits_for_its_last_look(
    codat, owner, post, settings
):
    settings.TASKS = {"default": {"BACKEND": "tests.task_backends.NoDeferBackend"}}
    queue = task_backends["default"].results
    [first, second] = connections(codat, owner, 2)
    post(connection_event(codat, "connection.created", first))
    [woken] = queue
    applied = []

    def worker():
        try:
            applied.append(run(woken))
        finally:
            connection.close()

    drain = threading.Thread(target=worker)
    drain.start()
    wait_for(lambda: CodatWebhookEvent.objects.filter(status=Status.PROCESSED).exists())

    # Stored while the task waits out its process's interval, without waking the queue.
    post(connection_event(codat, "connection.created", second))
    drain.join()

    assert len(queue) == 1
    assert applied == [2]
    assert set(CodatWebhookEvent.objects.values_list("status", flat=True)) == {Status.PROCESSED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tasks_at_once_never_apply_one_event_twice(codat, owner, post, queue):
    ids = connections(codat, owner, 60)
    for connection_id in ids:
        post(connection_event(codat, "connection.created", connection_id))

    def drain():
        applied = 0
        while count := processing.process_received(limit=5):
            applied += count
        return applied

    applied, errors = all_at_once(2, drain)

    assert errors == []
    assert sum(applied) == 60
    assert set(CodatWebhookEvent.objects.values_list("attempts", flat=True)) == {1}
    assert set(CodatWebhookEvent.objects.values_list("status", flat=True)) == {Status.PROCESSED}
