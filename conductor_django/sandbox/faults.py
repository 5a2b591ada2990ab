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

Dropped connections: the sandbox shuts the client's socket down (both directions) without writing
a byte, so the client sees the connection close without a response (``requests`` raises
``ConnectionError``). The socket is found through the WSGI environ: ``gunicorn.socket`` or the
stream behind ``wsgi.input`` (runserver and the test live server). Where no socket can be found
(Django's test client, other servers) the response is a streaming one that declares a
``Content-Length`` it never delivers and raises ``DroppedConnection`` when iterated.
"""

import fnmatch
import random
import socket
import time

from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse

from ..client.catalog import OUTAGES, PROXY_502_HTML
from . import errors
from .models import FaultConfig, FaultKind, PendingFault

_STATUSES = {FaultKind.HTTP_500: 500, FaultKind.HTTP_502: 502, FaultKind.HTTP_503: 503}


class DroppedConnection(ConnectionAbortedError):
    """What iterating a dropped response raises where no socket could be closed."""


class Fault:
    def __init__(self, kind, retry_after_seconds=1, delay_ms=0):
        self.kind = kind
        self.retry_after_seconds = retry_after_seconds
        self.delay_ms = delay_ms

    def __repr__(self):
        return f"Fault({self.kind!r})"


def path_matches(pattern, path):
    return not pattern or fnmatch.fnmatchcase(path, pattern)


def _take_pending(method, path):
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


def take(method, path, config=None, rng=random):
    """The fault for this request, or None."""
    fault = _take_pending(method, path)
    if fault:
        return fault
    config = config or FaultConfig.load()
    kinds = [k for k in (config.fault_kinds or []) if k in FaultKind.values]
    if config.fault_rate > 0 and kinds and rng.random() < config.fault_rate:
        return Fault(rng.choice(kinds), config.retry_after_seconds, config.delay_ms)
    return None


def add_latency(config=None, sleep=time.sleep):
    config = config or FaultConfig.load()
    if config.latency_ms:
        sleep(config.latency_ms / 1000)


# Kinds whose request is processed (an end-user really is created) before the connection drops.
PROCESSED_THEN_DROPPED = (FaultKind.DROP_AFTER, FaultKind.COMPLETE_LATE)


def error_response(fault, request_id):
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
    status = _STATUSES[fault.kind]
    code, _type = OUTAGES[status]
    return errors.internal(status, code).response(request_id)


def _find_socket(environ):
    candidate = environ.get("gunicorn.socket")
    if isinstance(candidate, socket.socket):
        return candidate
    # runserver/live server: LimitedStream._read → BufferedReader.raw → SocketIO._sock.
    obj = environ.get("wsgi.input")
    for _ in range(8):
        if obj is None:
            return None
        if isinstance(obj, socket.socket):
            return obj
        read = getattr(obj, "_read", None)
        obj = (
            getattr(obj, "_sock", None)
            or getattr(obj, "raw", None)
            or getattr(obj, "stream", None)
            or getattr(read, "__self__", None)
        )
    return None


def _never_finishes():
    yield b"{"
    raise DroppedConnection("The Conductor sandbox dropped this connection on purpose.")


def drop_connection(request):
    """Close the client's connection without a complete answer; return what the view returns."""
    sock = _find_socket(request.environ)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        # Writing this fails with a broken pipe, which the WSGI server swallows quietly.
        return HttpResponse(b"", status=500)
    response = StreamingHttpResponse(_never_finishes(), content_type="application/json")
    response["Content-Length"] = "1024"
    return response
