"""The sandbox's settings, read at request time so that ``override_settings`` applies.

``settings.CODAT_SANDBOX`` (a dict, optional):

- ``ENABLED``: serve the sandbox even when ``DEBUG`` is false (what test suites set).
- ``API_KEY``: the only API key the emulated API accepts (as ``Basic <base64 of the key>``);
  defaults to ``settings.CODAT["API_KEY"]``.
- ``REDIRECT_URL``: the client's redirect template, as set in Codat's Portal; ``PUT /profile``
  (or ``control.set_redirect_url``) overrides it.
- ``ONE_TIME_LINKS``: one-time Link URLs (``?otp=…``, usable once, for a day); also switchable
  with ``control.set_one_time_links``.
- ``WEBHOOK_URL``: where signed webhooks go (none: events are recorded, not sent).
- ``WEBHOOK_SECRETS``: the endpoint's signing secrets (``whsec_…``); every secret signs, so a
  receiver mid-rotation accepts either.
- ``WEBHOOK_RETRY_SCHEDULE``: seconds to wait after each failed attempt; Codat's
  ``(5, 300, 1800, 7200, 18000, 36000, 36000)`` by default; tests compress it.
- ``WEBHOOK_TIMEOUT``: seconds a delivery waits for the receiver (Codat: 15).
- ``WEBHOOK_DELIVERY``: ``"background"`` (default: a thread started after the change commits)
  or ``"manual"`` (only ``control.deliver_pending()`` sends; deterministic for tests).
- ``BASE_URL``: the sandbox's absolute URL (e.g. ``http://127.0.0.1:8000/codat-sandbox``), for
  link URLs of objects made outside a request (``control``); requests use their own host.
"""

import base64
import functools
import hmac
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest

from .. import catalog

P = ParamSpec("P")
R = TypeVar("R")

DELIVERY_BACKGROUND = "background"
DELIVERY_MANUAL = "manual"


def _sandbox() -> dict[str, Any]:
    return getattr(settings, "CODAT_SANDBOX", None) or {}


def api_key() -> str | None:
    return _sandbox().get("API_KEY") or (getattr(settings, "CODAT", None) or {}).get("API_KEY")


def is_enabled() -> bool:
    return bool(settings.DEBUG or _sandbox().get("ENABLED"))


def redirect_url_setting() -> str:
    return _sandbox().get("REDIRECT_URL") or ""


def one_time_links_setting() -> bool:
    return bool(_sandbox().get("ONE_TIME_LINKS"))


def webhook_url() -> str:
    return _sandbox().get("WEBHOOK_URL") or ""


def webhook_secrets() -> list[str]:
    secrets = _sandbox().get("WEBHOOK_SECRETS") or []
    return [secrets] if isinstance(secrets, str) else list(secrets)


def retry_schedule() -> Sequence[float]:
    schedule = _sandbox().get("WEBHOOK_RETRY_SCHEDULE")
    return tuple(schedule) if schedule is not None else catalog.WEBHOOK_RETRY_SCHEDULE


def webhook_timeout() -> float:
    return float(_sandbox().get("WEBHOOK_TIMEOUT") or catalog.WEBHOOK_TIMEOUT_SECONDS)


def delivery_mode() -> str:
    return _sandbox().get("WEBHOOK_DELIVERY") or DELIVERY_BACKGROUND


def base_url_setting() -> str:
    return (_sandbox().get("BASE_URL") or "").rstrip("/")


def keys_match(given: str, expected: str | None) -> bool:
    # An unconfigured key must never match, not even an empty header.
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def encoded_key() -> str | None:
    """What Codat's Portal shows as the authorization header's value after ``Basic ``."""
    key = api_key()
    return base64.b64encode(key.encode()).decode() if key else None


def basic_auth_ok(request: HttpRequest) -> bool:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "basic" and keys_match(token.strip(), encoded_key())


def control_auth_ok(request: HttpRequest) -> bool:
    """The control endpoint takes the key as a Bearer token, or as the API's Basic header."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return keys_match(token.strip(), api_key())
    return basic_auth_ok(request)


def require_enabled(view: Callable[P, R]) -> Callable[P, R]:
    """Answer 404 unless the sandbox is switched on: it must never serve in production."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not is_enabled():
            raise Http404("The Codat sandbox is disabled.")
        return view(*args, **kwargs)

    return wrapper
