"""What the offline sandboxes (Conductor's, ``conductor_django.sandbox``, and Codat's,
``conductor_django.codat.sandbox``) share: how a fault is taken (the next N matching requests,
then a random draw), added latency, a dropped connection, and the control endpoint's protocol.

It names no provider and imports no model (each sandbox hands its own in), so each sandbox stays
independent of the other.

The sandbox shuts the client's socket down (both directions) without writing a byte, so the
client sees the connection close without a response (``requests`` raises ``ConnectionError``).
The socket is found through the WSGI environ: ``gunicorn.socket`` or the stream behind
``wsgi.input`` (runserver and the test live server). Where there is none (Django's test client,
an ASGI server, other WSGI servers) the answer is a streaming one that declares a
``Content-Length`` it never delivers and raises ``DroppedConnection`` when read.
"""

import fnmatch
import inspect
import json
import random
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.core.handlers.wsgi import WSGIRequest
from django.db.models import F, Model
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

T = TypeVar("T")


class Random(Protocol):
    """What a fault is drawn from: the ``random`` module, or a seeded ``random.Random``."""

    def random(self) -> float: ...

    def choice(self, seq: Sequence[T], /) -> T: ...


class Fault:
    """A fault taken for one request: its kind, and the knobs some kinds read."""

    def __init__(self, kind: str, retry_after_seconds: int = 1, delay_ms: int = 0) -> None:
        self.kind = kind
        self.retry_after_seconds = retry_after_seconds
        self.delay_ms = delay_ms

    def __repr__(self) -> str:
        return f"Fault({self.kind!r})"


def path_matches(pattern: str, path: str) -> bool:
    return not pattern or fnmatch.fnmatchcase(path, pattern)


def take_pending(pending_faults: type[Model], method: str, path: str) -> Fault | None:
    """Consume one of the "next N requests" faults matching this request, if any.

    ``pending_faults`` is the sandbox's model with ``kind``, ``remaining``, ``method``, ``path``,
    ``retry_after_seconds`` and ``delay_ms``. The conditional decrement makes parallel requests
    never share one fault.
    """
    manager = pending_faults._default_manager
    # The two sandboxes' models share these fields but no base class: read them untyped.
    rows: Iterable[Any] = manager.filter(remaining__gt=0)
    for pending in rows:
        if pending.method and pending.method.upper() != method.upper():
            continue
        if not path_matches(pending.path, path):
            continue
        taken = manager.filter(pk=pending.pk, remaining__gt=0).update(remaining=F("remaining") - 1)
        if taken:
            manager.filter(pk=pending.pk, remaining=0).delete()
            return Fault(pending.kind, pending.retry_after_seconds, pending.delay_ms)
    return None


def draw(
    rate: float,
    kinds: Sequence[str] | None,
    known: Sequence[str],
    retry_after_seconds: int,
    delay_ms: int = 0,
    rng: Random = random,
) -> Fault | None:
    """A random fault with probability ``rate``, of one of ``kinds`` that the sandbox knows."""
    usable = [kind for kind in (kinds or []) if kind in known]
    if rate > 0 and usable and rng.random() < rate:
        return Fault(rng.choice(usable), retry_after_seconds, delay_ms)
    return None


def add_latency(latency_ms: int, sleep: Callable[[float], None] = time.sleep) -> None:
    if latency_ms:
        sleep(latency_ms / 1000)


class DroppedConnection(ConnectionAbortedError):
    """What reading a dropped response raises where no socket could be closed."""


def _find_socket(environ: Mapping[str, Any]) -> socket.socket | None:
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


def _never_finishes(service: str) -> Iterator[bytes]:
    yield b"{"
    raise DroppedConnection(f"The {service} sandbox dropped this connection on purpose.")


def drop_connection(request: HttpRequest, service: str) -> HttpResponseBase:
    """Close the client's connection without a complete answer; return what the view returns.

    ``service`` names the sandbox in the message ``DroppedConnection`` carries.
    """
    # Only a WSGI request carries an environ; an ASGI one (no socket to reach) gets the stream.
    sock = _find_socket(request.environ) if isinstance(request, WSGIRequest) else None
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        # Writing this fails with a broken pipe, which the WSGI server swallows quietly.
        return HttpResponse(b"", status=500)
    response = StreamingHttpResponse(_never_finishes(service), content_type="application/json")
    response["Content-Length"] = "1024"
    return response


def _control_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def control_response(
    request: HttpRequest,
    actions: Mapping[str, Callable[..., Any]],
    *,
    authorized: bool,
    auth_hint: str,
) -> JsonResponse:
    """Run one control action named by a JSON ``POST`` body, as both sandboxes' ``control/``.

    ``{"action": "<name>", ...keyword arguments}`` answers ``200 {"ok": true, "result": ...}``;
    ``400 {"ok": false, "error": ...}`` for a bad action or argument, ``404`` for an unknown
    object (``LookupError``), ``401`` (with ``auth_hint``) when not ``authorized``, ``405`` for
    another method.
    """
    if request.method != "POST":
        response = _control_error("Use POST.", 405)
        response["Allow"] = "POST"
        return response
    if not authorized:
        return _control_error(auth_hint, 401)
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _control_error("The body must be a JSON object.", 400)
    if not isinstance(payload, dict):
        return _control_error("The body must be a JSON object.", 400)
    action = actions.get(payload.pop("action", None))
    if action is None:
        return _control_error(f"`action` must be one of: {', '.join(actions)}.", 400)
    try:
        inspect.signature(action).bind(**payload)
    except TypeError as exc:
        return _control_error(str(exc), 400)
    try:
        result = action(**payload)
    except LookupError as exc:
        return _control_error(str(exc), 404)
    except ValueError as exc:
        return _control_error(str(exc), 400)
    return JsonResponse({"ok": True, "result": result})
