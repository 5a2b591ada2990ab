"""What the offline sandboxes (Conductor's, ``conductor_django.sandbox``, and Codat's,
``conductor_django.codat.sandbox``) share: a dropped connection.

It names no provider and imports no model, so each sandbox stays independent of the other.

The sandbox shuts the client's socket down (both directions) without writing a byte, so the
client sees the connection close without a response (``requests`` raises ``ConnectionError``).
The socket is found through the WSGI environ: ``gunicorn.socket`` or the stream behind
``wsgi.input`` (runserver and the test live server). Where there is none (Django's test client,
an ASGI server, other WSGI servers) the answer is a streaming one that declares a
``Content-Length`` it never delivers and raises ``DroppedConnection`` when read.
"""

import socket
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase


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
