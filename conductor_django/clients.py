"""The shared Conductor client, built from the ``CONDUCTOR`` settings (one per configuration:
``conductor_django.core.clients``)."""

from .client import ConductorClient
from .conf import app_settings
from .core.clients import ClientPool

_pool: ClientPool[ConductorClient] = ClientPool()


def get_client() -> ConductorClient:
    """The ``ConductorClient`` the app uses, configured from the ``CONDUCTOR`` settings."""
    return _pool.build(
        ConductorClient,
        app_settings.require("SECRET_KEY"),
        base_url=app_settings.API_BASE_URL,
        connect_timeout=float(app_settings.CONNECT_TIMEOUT),
        read_timeout=float(app_settings.READ_TIMEOUT),
        health_check_timeout=float(app_settings.HEALTH_CHECK_TIMEOUT),
        max_retries=int(app_settings.MAX_RETRIES),
        backoff=float(app_settings.RETRY_BACKOFF),
        max_retry_wait=float(app_settings.MAX_RETRY_WAIT),
    )


def close_all() -> None:
    """Close every shared client's connections (at shutdown, or between live-server tests)."""
    _pool.close_all()
