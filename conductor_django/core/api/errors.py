"""Every failure of a provider's API as one JSON shape, with an HTTP status that says whose fault
it was:

    {"error": {"code": "...", "userFacingMessage": "...", "requestId": "..." | null}}

``userFacingMessage`` is always one of our own sentences (the provider's ``codes``), in the
request's language: never DRF's or a parser's text, never an exception's. ``requestId`` is the
provider's id for the request when it answered, for support tickets.

``handle`` does what every provider's exception handler does; each provider passes what it adds
(its errors, its "being set up" answer) as ``provider``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.log import log_response
from django.utils.translation import get_language
from rest_framework import exceptions
from rest_framework.response import Response

from . import codes
from .codes import ErrorCode

# Seconds a client should wait before asking again after a 503 or a 429 that named no wait.
RETRY_AFTER = 30
PROVISIONING_RETRY_AFTER = 5


class ErrorDetail(TypedDict):
    code: str
    #: One of our own sentences, in the request's language.
    userFacingMessage: str
    #: The provider's request id when the provider answered, for support tickets.
    requestId: str | None


class ErrorBody(TypedDict):
    """``Error`` in the OpenAPI document: the body of every failure."""

    error: ErrorDetail


class APIError(Exception):
    """A failure the API answers itself (bad input, no owner, not allowed)."""

    def __init__(self, code: ErrorCode, http_status: int | None = None) -> None:
        super().__init__(code.code)
        self.code = code
        self.http_status = http_status or code.statuses[0]


def error_response(
    http_status: int,
    code: ErrorCode | str,
    user_facing_message: str | Promise | None = None,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The documented error body (``ErrorBody``); the message defaults to the code's own
    sentence."""
    if isinstance(code, ErrorCode):
        user_facing_message = code.message if user_facing_message is None else user_facing_message
        code = code.code
    body: ErrorBody = {
        "error": {
            "code": code,
            "userFacingMessage": str(user_facing_message),
            "requestId": request_id or None,
        }
    }
    return Response(body, status=http_status, headers=headers)


def speaks_english() -> bool:
    """Whether the request's language is English (the only language the providers write)."""
    language = get_language() or settings.LANGUAGE_CODE
    return language.split("-")[0].lower() == "en"


# By class, so that a host's subclass of one of DRF's exceptions keeps its meaning.
DRF_CODES: tuple[tuple[type[exceptions.APIException], ErrorCode], ...] = (
    (exceptions.NotAuthenticated, codes.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, codes.AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, codes.PERMISSION_DENIED),
    (exceptions.NotFound, codes.NOT_FOUND),
    (exceptions.MethodNotAllowed, codes.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, codes.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, codes.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.ParseError, codes.INVALID_REQUEST),
    (exceptions.ValidationError, codes.INVALID_REQUEST),
    (exceptions.Throttled, codes.THROTTLED),
)


# A host's own exception class (from its authentication or throttle classes) by its status.
STATUS_CODES: dict[int, ErrorCode] = {
    400: codes.INVALID_REQUEST,
    401: codes.AUTHENTICATION_FAILED,
    403: codes.PERMISSION_DENIED,
    404: codes.NOT_FOUND,
    405: codes.METHOD_NOT_ALLOWED,
    406: codes.NOT_ACCEPTABLE,
    415: codes.UNSUPPORTED_MEDIA_TYPE,
    429: codes.THROTTLED,
}


def _code_for(exc: exceptions.APIException) -> ErrorCode:
    for kind, code in DRF_CODES:
        if isinstance(exc, kind):
            return code
    return STATUS_CODES.get(exc.status_code, codes.REQUEST_ERROR)


def _drf_response(exc: exceptions.APIException) -> Response:
    code = _code_for(exc)
    headers = {}
    # Set by APIView.handle_exception when the first authentication class has a challenge.
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if code is codes.THROTTLED:
        wait = getattr(exc, "wait", None)
        # A fraction of a second rounds up: "Retry-After: 0" would invite an immediate retry.
        headers["Retry-After"] = str(max(1, math.ceil(wait)) if wait else RETRY_AFTER)
    return error_response(exc.status_code, code, headers=headers)


def _django_request(context: Mapping[str, Any]) -> HttpRequest | None:
    request = context.get("request")
    return getattr(request, "_request", request)


def _unexpected_response(exc: Exception, context: Mapping[str, Any]) -> Response:
    """A JSON 500 that is still reported as Django reports any 500: the ``got_request_exception``
    signal (error trackers listen to it) and ``django.request`` with the traceback (which mails
    ADMINS in production)."""
    request = _django_request(context)
    got_request_exception.send(sender=None, request=request)
    response = error_response(500, codes.INTERNAL_ERROR)
    log_response(
        "%s: %s",
        response.reason_phrase,
        getattr(request, "path", ""),
        response=response,
        request=request,
        exception=exc,
    )
    return response


def _suspicious_response(exc: Exception, context: Mapping[str, Any]) -> Response:
    # What Django answers for these outside DRF: a 400, on the security logger for its kind.
    if isinstance(exc, SuspiciousOperation):
        security = logging.getLogger(f"django.security.{exc.__class__.__name__}")
        security.error(str(exc), extra={"status_code": 400, "request": _django_request(context)})
    return error_response(400, codes.INVALID_REQUEST)


def handle(
    exc: Exception,
    context: Mapping[str, Any],
    provider: Callable[[Exception], Response | None],
) -> Response:
    """Every exception as the documented shape, whatever the host's ``REST_FRAMEWORK``
    settings. ``provider(exc)`` answers what only the provider knows (its errors, its "being set
    up"), or None."""
    if isinstance(exc, APIError):
        return error_response(exc.http_status, exc.code)
    answered = provider(exc)
    if answered is not None:
        return answered
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException) and exc.status_code < 500:
        return _drf_response(exc)
    if isinstance(exc, (SuspiciousOperation, MultiPartParserError)):
        return _suspicious_response(exc, context)
    # Anything else is a bug (ours, or a host callable's) or a setting that cannot work.
    return _unexpected_response(exc, context)
