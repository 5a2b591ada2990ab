"""The shared Codat client, built from the ``CODAT`` settings.

One client (and so one connection pool) per distinct configuration, so ``override_settings`` in
tests gets a client that matches while production reuses a single pool.
"""

from __future__ import annotations

import threading

from .client import CodatClient
from .conf import codat_settings

# Key, base URL, connect/read time-outs, retries, back-off, longest Retry-After.
_Config = tuple[str, str, float, float, int, float, float]

_clients: dict[_Config, CodatClient] = {}
_lock = threading.Lock()


def get_client() -> CodatClient:
    """The ``CodatClient`` the app uses, configured from the ``CODAT`` settings."""
    config: _Config = (
        str(codat_settings.require("API_KEY")),
        codat_settings.API_BASE_URL,
        float(codat_settings.CONNECT_TIMEOUT),
        float(codat_settings.READ_TIMEOUT),
        int(codat_settings.MAX_RETRIES),
        float(codat_settings.RETRY_BACKOFF),
        float(codat_settings.MAX_RETRY_WAIT),
    )
    client = _clients.get(config)
    if client is None:
        with _lock:
            client = _clients.get(config)
            if client is None:
                key, base_url, connect, read, retries, backoff, max_wait = config
                client = _clients[config] = CodatClient(
                    key,
                    base_url=base_url,
                    connect_timeout=connect,
                    read_timeout=read,
                    max_retries=retries,
                    backoff=backoff,
                    max_retry_wait=max_wait,
                )
    return client


def close_all() -> None:
    """Close every shared client's connections (at shutdown, or between live-server tests)."""
    with _lock:
        for client in _clients.values():
            client.close()
