"""API-wide fault injection: latency, injected error answers, dropped connections and
late-completing creates.

Two sources, checked in this order on every request to the emulated API:

1. ``PendingFault`` rows, "the next N requests (matching a method and an fnmatch path pattern
   relative to the API root, e.g. ``/companies`` or ``/companies/*``) get fault X"; consumed
   atomically, so parallel requests never share one fault.
2. ``SandboxConfig.fault_rate``: each request gets one of ``fault_kinds`` at random.

``SandboxConfig.latency_ms`` is added to every request first.

Dropped connections are ``conductor_django.sandboxing``'s, shared with the Conductor sandbox.
"""

import fnmatch
import random
import time
from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from ... import sandboxing
from ...sandboxing import DroppedConnection as DroppedConnection
from .. import catalog
from . import errors
from .models import FaultKind, PendingFault, SandboxConfig

_STATUSES = {
    FaultKind.HTTP_500: 500,
    FaultKind.HTTP_502: 502,
    FaultKind.HTTP_503: 503,
    FaultKind.PLAN_LIMIT: 402,
}
# Kinds that answer nothing (or only later): the request may still be processed first.
PROCESS_THEN_DROP = (FaultKind.DROP_AFTER, FaultKind.LATE_CREATE)


class Fault:
    def __init__(self, kind: str, retry_after_seconds: int = 1, delay_ms: int = 0) -> None:
        self.kind = kind
        self.retry_after_seconds = retry_after_seconds
        self.delay_ms = delay_ms

    def __repr__(self) -> str:
        return f"Fault({self.kind!r})"


def path_matches(pattern: str, path: str) -> bool:
    return not pattern or fnmatch.fnmatchcase(path, pattern)


def _take_pending(method: str, path: str) -> Fault | None:
    for pending in PendingFault.objects.filter(remaining__gt=0):
        if pending.method and pending.method.upper() != method.upper():
            continue
        if not path_matches(pending.path, path):
            continue
        taken = PendingFault.objects.filter(pk=pending.pk, remaining__gt=0).update(
            remaining=F("remaining") - 1
        )
        if taken:
            PendingFault.objects.filter(pk=pending.pk, remaining=0).delete()
            return Fault(pending.kind, pending.retry_after_seconds, pending.delay_ms)
    return None


def take(
    method: str, path: str, config: SandboxConfig | None = None, rng: Any = random
) -> Fault | None:
    """The fault for this request, or None."""
    fault = _take_pending(method, path)
    if fault:
        return fault
    config = config or SandboxConfig.load()
    kinds = [k for k in (config.fault_kinds or []) if k in FaultKind.values]
    if config.fault_rate > 0 and kinds and rng.random() < config.fault_rate:
        return Fault(rng.choice(kinds), config.retry_after_seconds)
    return None


def add_latency(
    config: SandboxConfig | None = None, sleep: Callable[[float], None] = time.sleep
) -> None:
    config = config or SandboxConfig.load()
    if config.latency_ms:
        sleep(config.latency_ms / 1000)


def error_response(fault: Fault, correlation: str) -> HttpResponse:
    """The answer for a fault that answers (every kind but the drops, late creates and delay)."""
    if fault.kind == FaultKind.HTML_502:
        return HttpResponse(catalog.PROXY_502_HTML, status=502, content_type="text/html")
    if fault.kind == FaultKind.RATE_LIMIT:
        return errors.outage(429, retry_after=fault.retry_after_seconds).response(correlation)
    return errors.outage(_STATUSES[FaultKind(fault.kind)]).response(correlation)


def drop_connection(request: HttpRequest) -> HttpResponseBase:
    """Close the client's connection without a complete answer; return what the view returns."""
    return sandboxing.drop_connection(request, "Codat")
