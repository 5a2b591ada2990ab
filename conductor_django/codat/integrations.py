"""The platforms an owner may connect: the enabled integrations of ``CODAT["SOURCE_TYPES"]``
with their branding (logos, and the buttons Intuit requires for QuickBooks).

Codat asks clients to cache branding rather than fetch it per page view: the whole list, branding
included, is kept in the cache (``CODAT["CACHE_ALIAS"]``) for ``CODAT["BRANDING_CACHE_TTL"]``
seconds, filled by one caller at a time (single flight). A warm cache makes no Codat call. When a
refill fails, the last list is served a while longer (it is kept a week); only with none at all
is Codat's failure the caller's.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured

from ..core import readahead
from ..core.flight import FlightFailed, single_flight
from .client import Branding, CodatError, Integration
from .clients import get_client
from .conf import codat_settings
from .logs import describe
from .outcomes import CodatProblem, Problem, from_error, not_configured

logger = logging.getLogger("conductor_django.codat.integrations")

STALE_SECONDS = 7 * 24 * 60 * 60
FILL_SECONDS = 60.0


@dataclass(frozen=True)
class Image:
    src: str
    alt: str


@dataclass(frozen=True)
class Platform:
    """One platform an owner may connect, as the picker shows it."""

    key: str
    name: str
    source_type: str
    logo_url: str
    #: Installed on the user's computer (QuickBooks Desktop): its first sync waits for it.
    offline_connector: bool
    beta: bool
    logo: Image | None = None
    logo_square: Image | None = None
    #: The platform's own connect button, and its hover state.
    button: Image | None = None
    button_hover: Image | None = None

    @property
    def branded_button_required(self) -> bool:
        """Intuit requires its own buttons (hover state included) for QuickBooks."""
        return "quickbooks" in self.name.lower()

    def matches(self, query: str) -> bool:
        words = query.lower().split()
        haystack = f"{self.name} {self.key}".lower()
        return all(word in haystack for word in words)


def _image(image: Any, fallback_alt: str) -> Image | None:
    if image is None or not image.src:
        return None
    return Image(src=image.src, alt=image.alt or fallback_alt)


def _platform(integration: Integration, branding: Branding | None) -> Platform:
    name = integration.name
    return Platform(
        key=integration.key,
        name=name,
        source_type=integration.source_type or "",
        logo_url=integration.logo_url,
        offline_connector=integration.is_offline_connector,
        beta=integration.is_beta,
        logo=_image(branding.logo_full, name) if branding else None,
        logo_square=_image(branding.logo_square, name) if branding else None,
        button=_image(branding.button_default, name) if branding else None,
        button_hover=_image(branding.button_hover, name) if branding else None,
    )


def _cache() -> BaseCache:
    return caches[codat_settings.CACHE_ALIAS]


def cache_key() -> str:
    """What ``platforms()`` reads, for a page's ``read_ahead``."""
    return _key(codat_settings.source_types)


def _key(source_types: tuple[str, ...]) -> str:
    digest = hashlib.sha256(
        f"{codat_settings.API_BASE_URL}|{','.join(sorted(source_types))}".encode()
    ).hexdigest()[:16]
    return f"conductor_codat:platforms:{digest}"


def _query(source_types: tuple[str, ...]) -> str:
    kinds = "||".join(f"sourceType={kind}" for kind in source_types)
    return f"enabled=true&&{{{kinds}}}" if len(source_types) > 1 else f"enabled=true&&{kinds}"


def _fetch(source_types: tuple[str, ...]) -> list[Platform]:
    client = get_client()
    found = [
        integration
        for integration in client.iter_integrations(query=_query(source_types))
        # Whatever the server's filter did: only what was asked for.
        if integration.enabled and (integration.source_type or "") in source_types
    ]
    platforms = []
    for integration in sorted(found, key=lambda i: i.name.lower()):
        try:
            branding: Branding | None = client.get_branding(integration.key)
        except CodatError as exc:
            # One platform's missing branding leaves its logo URL; the list still serves.
            logger.warning(
                "No branding for Codat integration %s: %s.", integration.key, describe(exc)
            )
            branding = None
        platforms.append(_platform(integration, branding))
    return platforms


def platforms(*, query: str = "", source_types: tuple[str, ...] | None = None) -> list[Platform]:
    """The platforms an owner may connect (enabled, of ``source_types``, by default
    ``CODAT["SOURCE_TYPES"]``), by name; ``query`` keeps those whose name or key holds every
    word of it. Raises ``CodatProblem`` only when there is no list at all to serve."""
    kinds = source_types or codat_settings.source_types
    key = _key(kinds)
    cache = _cache()
    ttl = float(codat_settings.BRANDING_CACHE_TTL)
    entry = readahead.get(cache, key)
    if entry is None or time.time() - entry["at"] >= ttl:
        entry = _refill(cache, key, kinds, entry)
    found: list[Platform] = entry["platforms"]
    return [p for p in found if p.matches(query)] if query else list(found)


def _refill(
    cache: BaseCache, key: str, kinds: tuple[str, ...], stale: dict[str, Any] | None
) -> dict[str, Any]:
    asked_at = time.time()

    def compute() -> dict[str, Any]:
        entry = {"at": time.time(), "platforms": _fetch(kinds)}
        cache.set(key, entry, STALE_SECONDS)
        return entry

    def shared() -> dict[str, Any] | None:
        entry: dict[str, Any] | None = cache.get(key)
        return entry if entry is not None and entry["at"] >= asked_at else None

    try:
        return single_flight(cache, key, hold_seconds=FILL_SECONDS, compute=compute, shared=shared)
    except ImproperlyConfigured as exc:
        raise not_configured(exc) from None
    except CodatError as exc:
        if stale is not None:
            logger.warning(
                "Could not refresh Codat's integrations (%s); serving the list cached before.",
                describe(exc),
            )
            return stale
        raise from_error(exc, None, "list the integrations") from None
    except FlightFailed:
        if stale is not None:
            return stale
        raise CodatProblem(Problem.UNAVAILABLE) from None


def platform(key: str) -> Platform | None:
    """The platform ``key`` names among those an owner may connect, or None."""
    return next((p for p in platforms() if p.key == key), None)


def forget() -> None:
    """Drop the cached list (after enabling an integration in Codat's Portal, say)."""
    _cache().delete(_key(codat_settings.source_types))
