"""The sandbox's settings, read at request time so that ``override_settings`` applies.

``settings.CONDUCTOR_SANDBOX`` (a dict, optional):

- ``ENABLED``: serve the sandbox even when ``DEBUG`` is false (what the test suite sets).
- ``SECRET_KEY`` / ``PUBLISHABLE_KEY``: the keys the sandbox accepts; default to
  ``settings.CONDUCTOR["SECRET_KEY"]`` / ``settings.CONDUCTOR["PUBLISHABLE_KEY"]``.
"""

import functools
import hmac
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest

P = ParamSpec("P")
R = TypeVar("R")


def _sandbox_settings() -> dict[str, Any]:
    value: dict[str, Any] = getattr(settings, "CONDUCTOR_SANDBOX", None) or {}
    return value


def _conductor_settings() -> dict[str, Any]:
    value: dict[str, Any] = getattr(settings, "CONDUCTOR", None) or {}
    return value


def secret_key() -> str | None:
    key: str | None = _sandbox_settings().get("SECRET_KEY") or _conductor_settings().get(
        "SECRET_KEY"
    )
    return key


def publishable_key() -> str | None:
    key: str | None = _sandbox_settings().get("PUBLISHABLE_KEY") or _conductor_settings().get(
        "PUBLISHABLE_KEY"
    )
    return key


def is_enabled() -> bool:
    return bool(settings.DEBUG or _sandbox_settings().get("ENABLED"))


def keys_match(given: str | None, expected: str | None) -> bool:
    # Unconfigured keys must never match, not even an empty Authorization header.
    if not given or not expected:
        return False
    return hmac.compare_digest(str(given).encode(), str(expected).encode())


def require_enabled(
    view: Callable[Concatenate[HttpRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R]:
    """Answer 404 unless the sandbox is switched on: it must never serve in production."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if not is_enabled():
            raise Http404("The Conductor sandbox is disabled.")
        return view(request, *args, **kwargs)

    return wrapper
