"""API-wide fault injection: latency, injected error answers and dropped connections.

Two sources, checked in this order on every request to the emulated API:

1. ``PendingFault`` rows, "the next N requests (matching a method and an fnmatch path pattern
   relative to the API root, e.g. ``/end-users`` or ``/end-users/*``) get fault X"; consumed
   atomically, so parallel requests never share one fault.
2. ``FaultConfig.fault_rate``: each request gets one of ``FaultConfig.fault_kinds`` at random with
   that probability.

``FaultConfig.latency_ms`` is added to every request first.

``complete_late`` is Conductor finishing a create after the client gave up: the connection is
held for ``delay_ms`` (longer than the client's read timeout, so it times out), then the request
is processed (a ``POST /end-users`` creates the end-user at that moment, not before) and the
connection is dropped without an answer.

Dropped connections: ``conductor_django.sandboxing`` (shared with Codat's sandbox) shuts the
client's socket where the server hands one over, else answers a stream that never finishes and
raises ``DroppedConnection`` when read (Django's test client, ASGI servers).
"""

import random
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from .. import sandboxing
from ..client.catalog import OUTAGES, PROXY_502_HTML

# Part of this module's API (tests catch it here).
from ..sandboxing import DroppedConnection as DroppedConnection
from ..sandboxing import Fault as Fault
from ..sandboxing import Random as Random
from . import errors
from .models import FaultConfig, FaultKind, PendingFault

_STATUSES = {FaultKind.HTTP_500: 500, FaultKind.HTTP_502: 502, FaultKind.HTTP_503: 503}


def take(
    method: str, path: str, config: FaultConfig | None = None, rng: Random = random
) -> Fault | None:
    """The fault for this request, or None."""
    fault = sandboxing.take_pending(PendingFault, method, path)
    if fault:
        return fault
    config = config or FaultConfig.load()
    return sandboxing.draw(
        config.fault_rate,
        config.fault_kinds,
        FaultKind.values,
        config.retry_after_seconds,
        config.delay_ms,
        rng,
    )


def add_latency(
    config: FaultConfig | None = None, sleep: Callable[[float], None] = time.sleep
) -> None:
    sandboxing.add_latency((config or FaultConfig.load()).latency_ms, sleep)


# Kinds whose request is processed (an end-user really is created) before the connection drops.
PROCESSED_THEN_DROPPED = (FaultKind.DROP_AFTER, FaultKind.COMPLETE_LATE)


def error_response(fault: Fault, request_id: str) -> HttpResponse:
    """The answer for a fault that answers (every kind but the drops, the delay and the late
    completion)."""
    if fault.kind == FaultKind.HTML_502:
        response = HttpResponse(PROXY_502_HTML, status=502, content_type="text/html")
        response[errors.REQUEST_ID_HEADER] = request_id
        return response
    if fault.kind == FaultKind.RATE_LIMIT:
        code, _type = OUTAGES[429]
        return errors.ApiError(
            429,
            code,
            f"Too many requests. Retry after {fault.retry_after_seconds} seconds.",
            headers={"Retry-After": str(fault.retry_after_seconds)},
        ).response(request_id)
    status = _STATUSES[FaultKind(fault.kind)]
    code, _type = OUTAGES[status]
    return errors.internal(status, code).response(request_id)


def drop_connection(request: HttpRequest) -> HttpResponseBase:
    """Close the client's connection without a complete answer; return what the view returns."""
    return sandboxing.drop_connection(request, "Conductor")
