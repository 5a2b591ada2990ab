"""The sandbox's settings, read at request time so that ``override_settings`` applies.

``settings.CONDUCTOR_SANDBOX`` (a dict, optional):

- ``ENABLED``: serve the sandbox even when ``DEBUG`` is false (what the test suite sets).
- ``SECRET_KEY`` / ``PUBLISHABLE_KEY``: the keys the sandbox accepts; default to
  ``settings.CONDUCTOR["SECRET_KEY"]`` / ``settings.CONDUCTOR["PUBLISHABLE_KEY"]``.
"""

import functools
import hmac

from django.conf import settings
from django.http import Http404


def _sandbox_settings():
    return getattr(settings, "CONDUCTOR_SANDBOX", None) or {}


def _conductor_settings():
    return getattr(settings, "CONDUCTOR", None) or {}


def secret_key():
    return _sandbox_settings().get("SECRET_KEY") or _conductor_settings().get("SECRET_KEY")


def publishable_key():
    return _sandbox_settings().get("PUBLISHABLE_KEY") or _conductor_settings().get(
        "PUBLISHABLE_KEY"
    )


def is_enabled():
    return bool(settings.DEBUG or _sandbox_settings().get("ENABLED"))


def keys_match(given, expected):
    # Unconfigured keys must never match, not even an empty Authorization header.
    if not given or not expected:
        return False
    return hmac.compare_digest(str(given).encode(), str(expected).encode())


def require_enabled(view):
    """Answer 404 unless the sandbox is switched on: it must never serve in production."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_enabled():
            raise Http404("The Conductor sandbox is disabled.")
        return view(request, *args, **kwargs)

    return wrapper
