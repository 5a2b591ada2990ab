"""Health checks off the request thread: asking for one, running it, and what a page can say
meanwhile.

A page (or the API) asks with ``request_check`` and answers at once from ``look``. One check per
end-user is in flight at a time across the processes that share the cache: the first asker
leaves a marker that holds the others off until the check has recorded its answer (or its
failure), or until the marker expires, which means the check never finished: ``look`` then says
"unavailable" and the page offers to try again.

Where a task worker exists the check is a task (``tasks.check_connection``). On the immediate
backend (no worker: the task would run inside the request) it runs on a small thread pool of the
web process instead, and the request waits for it at most ``CONDUCTOR["INLINE_CHECK_WAIT"]``
seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, TypedDict

from django.db import close_old_connections, connections
from django.db.models import Model

from . import connection
from .client import ConductorError, NotFoundError
from .conf import app_settings
from .core import readahead
from .core.tasks import runs_inline
from .logs import describe, owner_label
from .models import ConductorEndUserMixin, ConnectionStatus
from .provisioning import ProvisioningInProgress, ensure_end_user, failure_summary, next_attempt_at

logger = logging.getLogger("conductor_django.checking")
Status = ConnectionStatus.Status

#: What a page shows: one of the three answers, a failure of the check, or that it is running.
State = Literal["checking", "connected", "not_set_up", "error", "unavailable", "setting_up"]
FINAL_STATES: frozenset[State] = frozenset(
    {"connected", "not_set_up", "error", "unavailable", "setting_up"}
)
OUTCOMES: dict[str, State] = {
    Status.CONNECTED: "connected",
    Status.NOT_SET_UP: "not_set_up",
    Status.ERROR: "error",
}
# Threads of the web process that run checks on the immediate backend. A few: each waits on one
# QuickBooks, and single flight keeps it to one per end-user.
INLINE_THREADS = 8


class _Failure(TypedDict):
    at: float
    state: State
    message: str
    code: str
    request_id: str | None


@dataclass(frozen=True)
class Look:
    """What is known of the check asked at ``since`` (a Unix time): its ``state``, the status it
    recorded (None while it runs or when it failed) and the message to show with it."""

    state: State
    since: float
    status: ConnectionStatus | None = None
    message: str = ""
    #: For a failed check: Conductor's error code and request id, when it answered.
    code: str = ""
    request_id: str | None = None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


def outcome(status: ConnectionStatus) -> State:
    """The page's state for a recorded status."""
    return OUTCOMES.get(status.status, "error")


def deadline_seconds() -> float:
    """How long a check may take from the moment it is asked: the check itself, and as long
    again for its turn in the queue. Past it, the check is taken as lost."""
    return float(app_settings.CONNECT_TIMEOUT) + 2 * float(app_settings.HEALTH_CHECK_TIMEOUT) + 5


def _marker(end_user_id: str) -> str:
    return connection.cache_key(end_user_id) + ":requested"


def _failure_key(end_user_id: str) -> str:
    return connection.cache_key(end_user_id) + ":failed"


def is_inline() -> bool:
    """Whether the configured task backend runs tasks inside ``enqueue`` (no worker)."""
    return runs_inline(str(app_settings.TASK_BACKEND))


def request_check(
    owner: ConductorEndUserMixin, *, defer: list[Callable[[], None]] | None = None
) -> float:
    """Ask for a health check of ``owner``'s connection unless one is in flight; return the
    moment asked, for ``look``. On the immediate backend, wait for the answer at most
    ``INLINE_CHECK_WAIT`` seconds. With ``defer``, a queue's enqueue is appended there instead
    of done, for the caller to run once its response is out (a page's first byte need not wait
    for the queue's insert: the marker already says "checking").

    Raises ``ProvisioningInProgress`` and ``ConductorError`` from creating the owner's end-user
    when it has none yet."""
    end_user_id = ensure_end_user(owner)
    since = time.time()
    if not connection.cache().add(_marker(end_user_id), since, int(deadline_seconds()) + 1):
        return since
    if is_inline():
        _run_inline(owner, end_user_id, float(app_settings.INLINE_CHECK_WAIT))
        return since
    # A primitive pk (int, or str for UUIDs) survives any task backend's serialization.
    pk = owner.pk if isinstance(owner.pk, int | str) else str(owner.pk)

    def start() -> None:
        from .tasks import check_connection, enqueue

        if enqueue(check_connection, owner._meta.label, pk) is None:
            # Logged by enqueue: no check will run, so say so now rather than at the deadline.
            connection.cache().delete(_marker(end_user_id))
            _remember_failure(end_user_id, "unavailable", "")

    if defer is None:
        start()
    else:
        defer.append(start)
    return since


def run_check(owner: Model) -> State:
    """The check itself, as the task runs it: record the answer, or the failure for the page to
    show, then let the next asker in. Never raises a failure of Conductor's."""
    end_user_id = getattr(owner, "conductor_end_user_id", None) or ""
    try:
        return outcome(connection.check(owner))
    except ProvisioningInProgress as exc:
        return _failed(owner, end_user_id, exc)
    except ConductorError as exc:
        return _failed(owner, end_user_id, exc)
    finally:
        if end_user_id:
            connection.cache().delete(_marker(end_user_id))


def look(end_user_id: str | None, since: float) -> Look:
    """What is known of the check of ``end_user_id``'s connection asked at ``since``, from the
    cache alone while it runs (this is what a page polls); the database is read only once it is
    over, for a status the cache does not keep (``STATUS_CACHE_TTL`` 0)."""
    if not end_user_id:
        return Look("unavailable", since)
    # A poll's three reads (status, failure, marker) in one trip to the cache.
    keys = [connection.cache_key(end_user_id), _failure_key(end_user_id), _marker(end_user_id)]
    with readahead.read_ahead(connection.cache(), keys):
        return _look(end_user_id, since)


def _look(end_user_id: str, since: float) -> Look:
    asked = datetime.fromtimestamp(since, UTC)
    if found := connection.cached(end_user_id, asked):
        return Look(outcome(found), since, found, found.user_facing_message)
    cache = connection.cache()
    failure: _Failure | None = readahead.get(cache, _failure_key(end_user_id))
    if failure and failure["at"] >= since:
        return Look(
            failure["state"],
            since,
            message=failure["message"],
            code=failure["code"],
            request_id=failure["request_id"],
        )
    if readahead.get(cache, _marker(end_user_id)) is not None:
        return Look("checking", since)
    recorded = ConnectionStatus.objects.filter(end_user_id=end_user_id).first()
    if recorded and recorded.checked_at and recorded.checked_at >= asked:
        return Look(outcome(recorded), since, recorded, recorded.user_facing_message)
    return Look("unavailable", since)


def in_flight(owner: ConductorEndUserMixin) -> bool:
    """Whether a check of ``owner``'s connection has been asked and has not answered yet."""
    end_user_id = owner.conductor_end_user_id
    if not end_user_id:
        return False
    return connection.cache().get(_marker(end_user_id)) is not None


def _failed(owner: Model, end_user_id: str, exc: ConductorError | ProvisioningInProgress) -> State:
    """Log the failure once and keep what the page should say about it."""
    state: State
    message = ""
    if isinstance(exc, ProvisioningInProgress):
        logger.info("%s The settings page shows that it is being set up.", exc)
        state = "setting_up"
    elif not getattr(owner, "conductor_end_user_id", None):
        held = next_attempt_at(owner)
        logger.warning(
            "%s The settings page shows %s.",
            failure_summary(owner, exc),
            "that it is being set up" if held else "that QuickBooks cannot be reached",
        )
        state = "setting_up" if held else "unavailable"
    else:
        logger.warning(
            "Conductor failed the health check of %s: %s.", owner_label(owner), describe(exc)
        )
        state = "unavailable"
    if state == "unavailable" and not isinstance(exc, ProvisioningInProgress):
        # Conductor's own words where it said something about this account; none for outages
        # (its masked generic text) or no answer at all.
        if not exc.is_outage and exc.user_facing_message:
            state, message = "error", exc.user_facing_message
    if end_user_id:
        error = None if isinstance(exc, ProvisioningInProgress) else exc
        _remember_failure(end_user_id, state, message, error)
    return state


def _remember_failure(
    end_user_id: str, state: State, message: str, error: ConductorError | None = None
) -> None:
    failure: _Failure = {
        "at": time.time(),
        "state": state,
        "message": message,
        "code": getattr(error, "code", None) or "",
        "request_id": error.request_id if error else None,
    }
    ttl = max(int(app_settings.STATUS_CACHE_TTL), int(deadline_seconds()) + 1)
    connection.cache().set(_failure_key(end_user_id), failure, ttl)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(INLINE_THREADS, thread_name_prefix="conductor-check")
        return _pool


def _run_inline(owner: ConductorEndUserMixin, end_user_id: str, wait: float) -> None:
    # Only the call to Conductor runs on the pool: answered in time, the answer is recorded on
    # the request's own thread and database connection, as an inline check always was.
    future = _executor().submit(connection.health_check, end_user_id)
    done, _ = wait_for([future], timeout=max(0.0, wait))
    if done:
        _finish(owner, end_user_id, future)
        return

    def finish_late(late: Future[tuple[str, ConductorError | None]]) -> None:
        if threading.current_thread().name.startswith("conductor-check"):
            close_old_connections()
            try:
                _finish(owner, end_user_id, late)
            finally:
                connections.close_all()
        else:
            # It finished between the wait and now: this is still the request's thread.
            _finish(owner, end_user_id, late)

    future.add_done_callback(finish_late)


def _finish(
    owner: ConductorEndUserMixin,
    end_user_id: str,
    future: Future[tuple[str, ConductorError | None]],
) -> None:
    try:
        error = future.exception()
        if isinstance(error, NotFoundError):
            # The stored end-user is gone at Conductor: the full check replaces it.
            run_check(owner)
        elif isinstance(error, ConductorError):
            _failed(owner, end_user_id, error)
        else:
            connection.record(owner, end_user_id, *future.result())
    except Exception:
        # On the pool nobody else would hear of it; the page says "unavailable" at the deadline.
        logger.exception("The health check of %s could not be recorded.", owner_label(owner))
    finally:
        connection.cache().delete(_marker(end_user_id))
