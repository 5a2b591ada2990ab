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

import random
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from ... import sandboxing
from ...sandboxing import DroppedConnection as DroppedConnection
from ...sandboxing import Fault as Fault
from ...sandboxing import Random as Random
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


def take(
    method: str, path: str, config: SandboxConfig | None = None, rng: Random = random
) -> Fault | None:
    """The fault for this request, or None."""
    fault = sandboxing.take_pending(PendingFault, method, path)
    if fault:
        return fault
    config = config or SandboxConfig.load()
    return sandboxing.draw(
        config.fault_rate, config.fault_kinds, FaultKind.values, config.retry_after_seconds, rng=rng
    )


def add_latency(
    config: SandboxConfig | None = None, sleep: Callable[[float], None] = time.sleep
) -> None:
    sandboxing.add_latency((config or SandboxConfig.load()).latency_ms, sleep)


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
