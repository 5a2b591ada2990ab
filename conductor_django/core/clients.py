"""One shared HTTP client per distinct configuration, for every provider.

Settings are read on every call, so ``override_settings`` in tests gets a client that matches,
while production, whose settings never change, reuses a single client and its connection pool.
"""

import threading
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar


class Closeable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closeable)


class ClientPool(Generic[C]):
    """Clients keyed by their configuration (key, base URL, time-outs, retry policy)."""

    def __init__(self) -> None:
        self._clients: dict[Hashable, C] = {}
        self._lock = threading.Lock()

    def build(self, factory: Callable[..., C], api_key: str, **options: Hashable) -> C:
        """``factory(api_key, **options)``, built once per distinct set of arguments (under a
        lock, so racing threads share one client and its connection pool)."""
        config = (api_key, *sorted(options.items()))
        client = self._clients.get(config)
        if client is None:
            with self._lock:
                client = self._clients.get(config)
                if client is None:
                    client = self._clients[config] = factory(api_key, **options)
        return client

    def close_all(self) -> None:
        """Close every client's connections (at shutdown, or between live-server tests)."""
        with self._lock:
            for client in self._clients.values():
                client.close()
