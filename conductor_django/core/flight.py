"""Single flight through Django's cache: when many requests want the same upstream work at once
(a provider's status, a list to cache), one does it and the others wait for its result.

It holds across processes as far as the cache is shared (Redis, the database cache); with
``LocMemCache``, across the threads of one process only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import BaseCache

T = TypeVar("T")


class FlightFailed(Exception):
    """The caller this one waited for failed (or ran out of time): it has no result to share."""


def single_flight(
    cache: BaseCache,
    key: str,
    *,
    hold_seconds: float,
    compute: Callable[[], T],
    shared: Callable[[], T | None],
    poll: float = 0.05,
) -> T:
    """``compute()`` in one caller at a time for ``key``; the others poll ``shared()`` (the
    result the first left where they can read it, e.g. in the cache or the database) until it
    answers or the first is gone, then raise ``FlightFailed``. ``hold_seconds`` bounds how long
    a crashed holder blocks the others."""
    lock = f"{key}:flight"
    if cache.add(lock, 1, max(1, int(hold_seconds + 0.999))):
        try:
            return compute()
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + hold_seconds
    while time.monotonic() < deadline:
        time.sleep(poll)
        result = shared()
        if result is not None:
            return result
        if cache.get(lock) is None:
            result = shared()
            if result is not None:
                return result
            break
    raise FlightFailed(key)
