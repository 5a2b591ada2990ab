"""The shared Conductor client, built from the ``CONDUCTOR`` settings (one per configuration:
``conductor_django.core.clients``)."""

from .client import ConductorClient
from .conf import app_settings
from .core.clients import ClientPool

_pool: ClientPool[ConductorClient] = ClientPool()


def get_client() -> ConductorClient:
    """The ``ConductorClient`` the app uses, configured from the ``CONDUCTOR`` settings."""
    key = app_settings.require("SECRET_KEY")
    base_url = app_settings.API_BASE_URL
    connect = float(app_settings.CONNECT_TIMEOUT)
    read = float(app_settings.READ_TIMEOUT)
    health = float(app_settings.HEALTH_CHECK_TIMEOUT)
    retries = int(app_settings.MAX_RETRIES)
    backoff = float(app_settings.RETRY_BACKOFF)
    max_wait = float(app_settings.MAX_RETRY_WAIT)
    return _pool.get(
        (key, base_url, connect, read, health, retries, backoff, max_wait),
        lambda: ConductorClient(
            key,
            base_url=base_url,
            connect_timeout=connect,
            read_timeout=read,
            health_check_timeout=health,
            max_retries=retries,
            backoff=backoff,
            max_retry_wait=max_wait,
        ),
    )


def close_all() -> None:
    """Close every shared client's connections (at shutdown, or between live-server tests)."""
    _pool.close_all()
