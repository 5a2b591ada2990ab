"""Codat's settings: one ``CODAT`` dict, read on every access (as ``conductor_django.conf``) so
that ``override_settings`` works.

Only ``API_KEY`` is needed to call Codat; a missing one raises ``ImproperlyConfigured`` naming
the setting where it is first needed, and check ``conductor_codat.W001`` reports it at start-up.
The owner settings (``OWNER_MODEL``, ``OWNER_RESOLVER``, ``CAN_MANAGE_CONNECTION``) stay in
``CONDUCTOR`` and apply to Codat too.
"""

from __future__ import annotations

from typing import Any

from ..core.conf import ProviderSettings
from .client import DEFAULT_BASE_URL

DEFAULTS: dict[str, Any] = {
    "API_KEY": None,
    "API_BASE_URL": None,
    # The same time-outs and retry policy as Conductor's client.
    "CONNECT_TIMEOUT": 5.0,
    "READ_TIMEOUT": 30.0,
    "MAX_RETRIES": 2,
    "RETRY_BACKOFF": 0.5,
    "MAX_RETRY_WAIT": 10.0,
    "AUTO_PROVISION": True,
    "PROVISIONING_LEASE_SECONDS": 120,
    # After a company create whose outcome we do not know, how long Codat may take to finish it:
    # no other create for that owner starts before, and the next one looks it up by tag first.
    "CREATE_GRACE_SECONDS": 120,
    "OWNER_TAG": "ownerId",
    "COMPANY_NAME_GETTER": None,
    "SOURCE_TYPES": ["Accounting"],
    "STATE_PARAMETER": "state",
    # Codat asks clients to cache branding rather than fetch it per page view.
    "BRANDING_CACHE_TTL": 24 * 60 * 60,
    "STATUS_CACHE_TTL": 60,
    "CACHE_ALIAS": "default",
    "TASK_BACKEND": "default",
    "TASK_MAX_ATTEMPTS": 5,
    # The signing secrets (``whsec_…``) of the webhook endpoint registered in Codat's Portal: a
    # list, so that during a rotation the old and the new one are both accepted.
    "WEBHOOK_SECRETS": None,
}

ENV_DEFAULTS = {
    "API_KEY": "CODAT_API_KEY",
    "API_BASE_URL": "CODAT_BASE_URL",
    "WEBHOOK_SECRETS": "CODAT_WEBHOOK_SECRETS",
}


class CodatSettings(ProviderSettings):
    def __init__(self) -> None:
        super().__init__("CODAT", DEFAULTS, ENV_DEFAULTS, app="conductor_django.codat")

    @property
    def API_BASE_URL(self) -> str:
        return str(self.get("API_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")

    @property
    def source_types(self) -> tuple[str, ...]:
        value = self.get("SOURCE_TYPES")
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)

    @property
    def webhook_secrets(self) -> tuple[str, ...]:
        """The webhook signing secrets, in order; the environment variable holds them
        separated by spaces or commas."""
        value = self.get("WEBHOOK_SECRETS")
        if not value:
            return ()
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split() if part)
        return tuple(str(v) for v in value)


codat_settings = CodatSettings()
