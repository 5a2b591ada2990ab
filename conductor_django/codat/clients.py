"""The shared Codat client, built from the ``CODAT`` settings (one per configuration:
``conductor_django.core.clients``)."""

from ..core.clients import ClientPool
from .client import CodatClient
from .conf import codat_settings

_pool: ClientPool[CodatClient] = ClientPool()


def get_client() -> CodatClient:
    """The ``CodatClient`` the app uses, configured from the ``CODAT`` settings."""
    key = str(codat_settings.require("API_KEY"))
    base_url = codat_settings.API_BASE_URL
    connect = float(codat_settings.CONNECT_TIMEOUT)
    read = float(codat_settings.READ_TIMEOUT)
    retries = int(codat_settings.MAX_RETRIES)
    backoff = float(codat_settings.RETRY_BACKOFF)
    max_wait = float(codat_settings.MAX_RETRY_WAIT)
    return _pool.get(
        (key, base_url, connect, read, retries, backoff, max_wait),
        lambda: CodatClient(
            key,
            base_url=base_url,
            connect_timeout=connect,
            read_timeout=read,
            max_retries=retries,
            backoff=backoff,
            max_retry_wait=max_wait,
        ),
    )


def close_all() -> None:
    """Close every shared client's connections (at shutdown, or between live-server tests)."""
    _pool.close_all()
