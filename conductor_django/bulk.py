"""Bulk work over many owners: creating missing end-users and refreshing connection statuses.

Used by the management commands and the admin actions. Rows are streamed from the database in
primary-key order, never loaded at once, and worked on by a bounded thread pool; each owner is
independent, so a failure is counted and the run goes on.
"""

import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

from . import connection
from .client import ConductorError
from .clients import get_client
from .logs import describe, owner_label
from .provisioning import ProvisioningInProgress, ensure_end_user, failure_summary

logger = logging.getLogger("conductor_django.bulk")


class _Directory:
    """Conductor's end-users by ``sourceId``, listed once on first need (GET /end-users has no
    filter, so one listing serves every row of the run), or given when the caller has listed."""

    def __init__(self, client, listed=None):
        self._client = client
        self._lock = threading.Lock()
        self._by_source = None if listed is None else self._index(listed)

    @staticmethod
    def _index(listed):
        by_source = {}
        for user in sorted(listed, key=lambda u: u.created_at):
            by_source.setdefault(user.source_id, user)
        return by_source

    def __call__(self, source_id):
        with self._lock:
            if self._by_source is None:
                self._by_source = self._index(self._client.list_end_users())
        return self._by_source.get(source_id)


def _pages(queryset, size=500):
    """The queryset's rows in primary-key order, a page at a time.

    Keyset paging rather than ``iterator()``: a read cursor held open across the writes each row
    makes would keep SQLite's database locked against every other writer for the whole run.
    """
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page.order_by("pk")[:size])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def _run(queryset, work, concurrency, on_result):
    totals = Counter()
    if concurrency <= 1:
        for owner in _pages(queryset):
            outcome, detail = work(owner)
            totals[outcome] += 1
            on_result(owner, outcome, detail)
        return totals

    def guarded(owner):
        try:
            return work(owner)
        finally:
            close_old_connections()

    # A bounded window of pending rows keeps memory flat however many rows there are.
    window = threading.Semaphore(concurrency * 4)
    # Results arrive on the pool's threads: one at a time, so no count is lost and
    # `on_result` need not be thread-safe.
    reporting = threading.Lock()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for owner in _pages(queryset):
            window.acquire()
            future = pool.submit(guarded, owner)

            def done(future, owner=owner):
                window.release()
                try:
                    outcome, detail = future.result()
                except Exception as exc:  # a bug must not stop the run; report it per row
                    outcome, detail = "failed", exc
                with reporting:
                    totals[outcome] += 1
                    on_result(owner, outcome, detail)

            future.add_done_callback(done)
    return totals


def create_end_user(owner, client=None, find_existing=None):
    """Create one owner's end-user: ``(outcome, detail)`` where outcome is ``created`` (detail:
    the end-user id), ``existing`` (it had one; detail: its id), ``in_progress`` (another worker
    is on it) or ``held`` (a create that may still complete at Conductor holds new ones off),
    both with the ``ProvisioningInProgress`` as detail, or ``failed`` (detail: the
    ``ConductorError``, logged here)."""
    if owner.conductor_end_user_id:
        return "existing", owner.conductor_end_user_id
    try:
        return "created", ensure_end_user(owner, client=client, find_existing=find_existing)
    except ProvisioningInProgress as exc:
        return ("held" if exc.held else "in_progress"), exc
    except ConductorError as exc:
        logger.warning("%s", failure_summary(owner, exc))
        return "failed", exc


def check_owner(owner):
    """Health-check one owner: ``(outcome, detail)`` where outcome is the recorded status
    (detail: the ``ConnectionStatus``), ``in_progress`` (detail: the
    ``ProvisioningInProgress``) or ``failed`` (detail: the error, logged here)."""
    try:
        status = connection.check(owner)
    except ProvisioningInProgress as exc:
        return "in_progress", exc
    except ConductorError as exc:
        logger.warning(
            "Could not check the QuickBooks connection of %s: %s.",
            owner_label(owner),
            describe(exc),
        )
        return "failed", exc
    return status.status, status


def sync_end_users(
    queryset, *, concurrency=4, on_result=lambda owner, outcome, detail: None, listed=None
):
    """Give every owner in the queryset that lacks one a Conductor end-user (``create_end_user``
    per row). ``listed``: Conductor's end-users, when the caller has listed them already.

    Idempotent and resumable: rows that already have an id are skipped, so a rerun picks up
    where an interrupted one stopped. Returns counts by outcome: created, failed, in_progress,
    held.
    """
    client = get_client()
    directory = _Directory(client, listed)
    pending = queryset.filter(conductor_end_user_id__isnull=True)
    return _run(
        pending,
        lambda owner: create_end_user(owner, client=client, find_existing=directory),
        concurrency,
        on_result,
    )


def check_connections(queryset, *, concurrency=4, on_result=lambda owner, outcome, detail: None):
    """Run ``check_owner`` for every owner in the queryset; counts by outcome.

    QuickBooks serves one request per company file at a time, and each owner is checked once,
    so concurrency across owners never queues requests for one end-user.
    """
    return _run(queryset, check_owner, concurrency, on_result)
