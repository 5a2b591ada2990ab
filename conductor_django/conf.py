"""The app's settings: one ``CONDUCTOR`` dict, read on every access so ``override_settings`` works.

Every value has a default except the keys; a key that is needed but missing raises
``ImproperlyConfigured`` naming the setting, at the point of use rather than as a ``KeyError``
deep inside a request. The owner settings (``OWNER_MODEL``, ``OWNER_RESOLVER``,
``CAN_MANAGE_CONNECTION``) live here too and apply to every provider (``core.conf``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .core.conf import OWNER_DEFAULTS, ProviderSettings

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "PUBLISHABLE_KEY": None,
    "API_BASE_URL": None,
    "CONNECT_TIMEOUT": 5.0,
    "READ_TIMEOUT": 30.0,
    # Conductor waits up to 60 s for the PC; a page must not hold a web worker that long.
    "HEALTH_CHECK_TIMEOUT": 15.0,
    "MAX_RETRIES": 2,
    "RETRY_BACKOFF": 0.5,
    "MAX_RETRY_WAIT": 10.0,
    "LINK_EXPIRY_MINUTES": 30,
    "EMAIL_LINK_EXPIRY_MINUTES": 24 * 60,
    "SUCCESS_URL": None,
    "AUTO_PROVISION": True,
    "PROVISIONING_LEASE_SECONDS": 120,
    # After a create whose outcome we do not know, how long Conductor may take to finish it:
    # no other create for that owner starts before, and the next one looks it up first.
    "CREATE_GRACE_SECONDS": 120,
    "TASK_BACKEND": "default",
    "TASK_MAX_ATTEMPTS": 5,
    "COMPANY_NAME_GETTER": None,
    "EMAIL_GETTER": None,
    **OWNER_DEFAULTS,
    "STATUS_CACHE_TTL": 60,
    # With no task worker (the immediate backend), how long a page waits for a health check
    # before it shows "checking" and lets the check finish on a thread of its own.
    "INLINE_CHECK_WAIT": 1.0,
    "CACHE_ALIAS": "default",
}

ENV_DEFAULTS = {
    "SECRET_KEY": "CONDUCTOR_SECRET_KEY",
    "PUBLISHABLE_KEY": "CONDUCTOR_PUBLISHABLE_KEY",
    "API_BASE_URL": "CONDUCTOR_BASE_URL",
}
DEFAULT_API_BASE_URL = "https://api.conductor.is/v1"

# Bounds Conductor itself enforces on linkExpiryMins.
MIN_LINK_EXPIRY_MINUTES = 15
MAX_LINK_EXPIRY_MINUTES = 7 * 24 * 60


class AppSettings(ProviderSettings):
    def __init__(self) -> None:
        super().__init__("CONDUCTOR", DEFAULTS, ENV_DEFAULTS)

    @property
    def API_BASE_URL(self) -> str:
        return str(self.get("API_BASE_URL") or DEFAULT_API_BASE_URL).rstrip("/")

    def link_expiry(self, name: str) -> int:
        minutes = int(self.get(name))
        if not MIN_LINK_EXPIRY_MINUTES <= minutes <= MAX_LINK_EXPIRY_MINUTES:
            raise ImproperlyConfigured(
                f'CONDUCTOR["{name}"] must be between {MIN_LINK_EXPIRY_MINUTES} and '
                f"{MAX_LINK_EXPIRY_MINUTES} minutes; it is {minutes}."
            )
        return minutes


app_settings = AppSettings()
