"""A page's cache reads in one round trip.

A warm page reads a few keys it knows in advance (a refresh marker, a version token, a snapshot,
the platforms list). Asked one by one, each read costs a round trip, and with Django's Redis
backend a new client object too, which together cost more than the rest of the page. Inside
``read_ahead`` those keys come from one ``get_many``; every other read goes to the cache as
usual.

Each prefetched value is served once: a second read of the same key (a single-flight wait
looking for a result another process is storing) asks the cache again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import BaseCache

_MISSING = object()
_prefetched: ContextVar[dict[tuple[int, str], Any] | None] = ContextVar(
    "conductor_readahead", default=None
)


@contextmanager
def read_ahead(cache: BaseCache, keys: Iterable[str]) -> Iterator[None]:
    """Fetch ``keys`` from ``cache`` at once; ``get`` serves them within the block."""
    wanted = list(keys)
    found = cache.get_many(wanted) if wanted else {}
    values = dict(_prefetched.get() or {})
    # A key the cache does not have is prefetched too, as None: no second trip to learn it.
    values.update({(id(cache), key): found.get(key) for key in wanted})
    token = _prefetched.set(values)
    try:
        yield
    finally:
        _prefetched.reset(token)


def get(cache: BaseCache, key: str) -> Any:
    """``cache.get(key)``, from the enclosing ``read_ahead`` when it fetched ``key``."""
    values = _prefetched.get()
    if values is not None:
        value = values.pop((id(cache), key), _MISSING)
        if value is not _MISSING:
            return value
    return cache.get(key)
