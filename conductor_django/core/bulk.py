"""Bulk work over many owners (the sync commands, the periodic checks, the admin actions).

Rows are streamed from the database in primary-key order, never loaded at once, and worked on by
a bounded thread pool; each owner is independent, so a failure is counted and the run goes on.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import close_old_connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

#: One owner's result: an outcome (``created``, ``failed``…) and its detail.
Result = tuple[str, Any]
Work = Callable[[M], Result]
OnResult = Callable[[M, str, Any], None]


def pages(queryset: QuerySet[M], size: int = 500) -> Iterator[M]:
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


def run(
    queryset: QuerySet[M], work: Work[M], concurrency: int, on_result: OnResult[M]
) -> Counter[str]:
    """``work(owner)`` for every row, ``concurrency`` at a time; counts by outcome."""
    totals: Counter[str] = Counter()
    if concurrency <= 1:
        for owner in pages(queryset):
            outcome, detail = work(owner)
            totals[outcome] += 1
            on_result(owner, outcome, detail)
        return totals

    def guarded(owner: M) -> Result:
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
        for owner in pages(queryset):
            window.acquire()
            future = pool.submit(guarded, owner)

            def done(future: Future[Result], owner: M = owner) -> None:
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
