"""Every failure of the API as one JSON shape, with an HTTP status that says whose fault it was.

    {"error": {"code": "...", "userFacingMessage": "...", "requestId": "req_..." | null}}

``requestId`` is Conductor's request id when Conductor answered, for support tickets.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from ..client import (
    ConductorAPIError,
    ConductorError,
)
from ..provisioning import ProvisioningInProgress

logger = logging.getLogger("conductor_django.api")

CONDUCTOR_UNAVAILABLE = "CONDUCTOR_UNAVAILABLE"
PROVISIONING_IN_PROGRESS = "PROVISIONING_IN_PROGRESS"
# Seconds a client should wait before asking again after a 503.
RETRY_AFTER = 30


class APIError(Exception):
    """A failure this API answers itself (bad input, no owner, not allowed)."""

    def __init__(self, http_status, code, user_facing_message):
        super().__init__(code)
        self.http_status = http_status
        self.code = code
        self.user_facing_message = user_facing_message


def error_response(http_status, code, user_facing_message, request_id=None, headers=None):
    body = {
        "error": {
            "code": code,
            "userFacingMessage": str(user_facing_message),
            "requestId": request_id or None,
        }
    }
    return Response(body, status=http_status, headers=headers)


def _unavailable_message():
    return _("We could not reach QuickBooks right now. Please try again in a few minutes.")


def _conductor_response(exc):
    # Outages and garbage say nothing the user can act on: one neutral answer, retry later.
    if exc.is_outage:
        logger.warning("Conductor unavailable to the API: %s", exc)
        return error_response(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            CONDUCTOR_UNAVAILABLE,
            _unavailable_message(),
            exc.request_id,
            headers={"Retry-After": str(RETRY_AFTER)},
        )
    logger.warning("Conductor refused an API call: %s", exc)
    code = exc.code if isinstance(exc, ConductorAPIError) and exc.code else "CONDUCTOR_ERROR"
    return error_response(
        status.HTTP_502_BAD_GATEWAY,
        code,
        exc.user_facing_message or _unavailable_message(),
        exc.request_id,
    )


DRF_CODES = {
    exceptions.NotAuthenticated: "NOT_AUTHENTICATED",
    exceptions.AuthenticationFailed: "AUTHENTICATION_FAILED",
    exceptions.PermissionDenied: "PERMISSION_DENIED",
    exceptions.NotFound: "NOT_FOUND",
    exceptions.MethodNotAllowed: "METHOD_NOT_ALLOWED",
    exceptions.NotAcceptable: "NOT_ACCEPTABLE",
    exceptions.UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
    exceptions.ParseError: "INVALID_REQUEST",
    exceptions.ValidationError: "INVALID_REQUEST",
    exceptions.Throttled: "THROTTLED",
}


def _drf_response(exc):
    code = next(
        (code for kind, code in DRF_CODES.items() if isinstance(exc, kind)), "REQUEST_ERROR"
    )
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    message = exc.detail if isinstance(exc.detail, str) else exc.default_detail
    return error_response(exc.status_code, code, message, headers=headers)


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER`` for these views: everything becomes the documented shape."""
    if isinstance(exc, APIError):
        return error_response(exc.http_status, exc.code, exc.user_facing_message)
    if isinstance(exc, ProvisioningInProgress):
        return error_response(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            PROVISIONING_IN_PROGRESS,
            _("Your QuickBooks Desktop account is being set up. Please try again in a moment."),
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, ConductorError):
        return _conductor_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        return _drf_response(exc)
    return None
