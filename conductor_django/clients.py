"""The shared client, built from settings.

One client (and so one connection pool) per distinct configuration, so ``override_settings`` in
tests gets a client that matches while production reuses a single pool.
"""

import threading

from .client import ConductorClient
from .conf import app_settings

# Key, base URL, connect/read/health-check time-outs, retries, back-off, longest Retry-After.
_Config = tuple[str, str, float, float, float, int, float, float]

_clients: dict[_Config, ConductorClient] = {}
_lock = threading.Lock()


def get_client() -> ConductorClient:
    """The ``ConductorClient`` the app uses, configured from the ``CONDUCTOR`` settings."""
    config: _Config = (
        app_settings.require("SECRET_KEY"),
        app_settings.API_BASE_URL,
        float(app_settings.CONNECT_TIMEOUT),
        float(app_settings.READ_TIMEOUT),
        float(app_settings.HEALTH_CHECK_TIMEOUT),
        int(app_settings.MAX_RETRIES),
        float(app_settings.RETRY_BACKOFF),
        float(app_settings.MAX_RETRY_WAIT),
    )
    client = _clients.get(config)
    if client is None:
        with _lock:
            client = _clients.get(config)
            if client is None:
                key, base_url, connect, read, health, retries, backoff, max_wait = config
                client = _clients[config] = ConductorClient(
                    key,
                    base_url=base_url,
                    connect_timeout=connect,
                    read_timeout=read,
                    health_check_timeout=health,
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
