"""The shared Codat client, built from the ``CODAT`` settings (one per configuration:
``conductor_django.core.clients``)."""

from ..core.clients import ClientPool
from .client import CodatClient
from .conf import codat_settings

_pool: ClientPool[CodatClient] = ClientPool()


def get_client() -> CodatClient:
    """The ``CodatClient`` the app uses, configured from the ``CODAT`` settings."""
    return _pool.build(
        CodatClient,
        str(codat_settings.require("API_KEY")),
        base_url=codat_settings.API_BASE_URL,
        connect_timeout=float(codat_settings.CONNECT_TIMEOUT),
        read_timeout=float(codat_settings.READ_TIMEOUT),
        max_retries=int(codat_settings.MAX_RETRIES),
        backoff=float(codat_settings.RETRY_BACKOFF),
        max_retry_wait=float(codat_settings.MAX_RETRY_WAIT),
    )


def close_all() -> None:
    """Close every shared client's connections (at shutdown, or between live-server tests)."""
    _pool.close_all()
