"""Processing stored events on the host's task backend (``CODAT["TASK_BACKEND"]``).

A delivery does not queue a task of its own: on a busy endpoint that would be one more write on
the task backend per delivery (an insert, on django-tasks-db), inside the request Codat is
timing. A stored event *wakes* the queue instead. Each web process queues
``process_received_events`` at most once per ``WAKE_INTERVAL``; that task applies every event
still waiting, and once more after the waking process's interval has passed, so an event whose
own wake was skipped is never left behind. Events are claimed one by one, so the tasks of
several processes never apply one event twice.

On the immediate backend (no worker) the delivery's own event is applied before the endpoint
answers.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from ...core.tasks import runs_inline
from ...core.tasks_compat import task, task_backends
from ..conf import codat_settings
from ..tasks import enqueue
from . import processing
from .models import CodatWebhookEvent

#: Seconds between two wakes from one web process.
WAKE_INTERVAL = 1.0
#: How far the worker's clock may be behind the web process's before a straggler waits for
#: the next wake.
CLOCK_SLACK = 1.0


@task()
def process_webhook_event(pk: int) -> str | None:
    """Apply one stored event; returns its status afterwards (None: the row is gone)."""
    event = CodatWebhookEvent.objects.filter(pk=pk).first()
    if event is None:
        return None
    return processing.process(event)


@task()
def process_received_events(woken_at: float, final: bool = False) -> int:
    """Apply every stored event still waiting; returns how many. ``woken_at`` (a Unix time) is
    when a web process queued it: the events it stores until ``WAKE_INTERVAL`` later do not
    queue this task again, so it looks once more after that (``final``)."""
    applied = _apply_waiting()
    last_look = woken_at + WAKE_INTERVAL + CLOCK_SLACK
    if not final and time.time() < last_look and not _queue_last_look(woken_at, last_look):
        # The backend cannot run it later (or refused to): wait in this task instead.
        time.sleep(max(0.0, last_look - time.time()))
        applied += _apply_waiting()
    return applied


def _apply_waiting() -> int:
    applied = 0
    while batch := processing.process_received():
        applied += batch
    return applied


def _queue_last_look(woken_at: float, at: float) -> bool:
    if not task_backends[str(codat_settings.TASK_BACKEND)].supports_defer:
        return False
    later = process_received_events.using(run_after=datetime.fromtimestamp(at, tz=UTC))
    return enqueue(later, woken_at, True) is not None


class Waker:
    """Queues ``process_received_events`` at most once per ``interval`` seconds from this
    process; a queue that refuses makes the next stored event try again."""

    def __init__(self, interval: float = WAKE_INTERVAL) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._next = 0.0

    def wake(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                return
            self._next = now + self.interval
        if enqueue(process_received_events, time.time()) is None:
            self.reset()

    def reset(self) -> None:
        with self._lock:
            self._next = 0.0


WAKER = Waker()


def process_soon(pk: int) -> None:
    """After a new event's commit: apply it now where tasks run inline, else wake the queue."""
    if runs_inline(str(codat_settings.TASK_BACKEND)):
        enqueue(process_webhook_event, pk)
    else:
        WAKER.wake()
