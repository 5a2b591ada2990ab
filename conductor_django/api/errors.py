"""Every failure of the API as one JSON shape, with an HTTP status that says whose fault it was.

    {"error": {"code": "...", "userFacingMessage": "...", "requestId": "req_..." | null}}

``userFacingMessage`` is always one of our own sentences (``codes``), in the request's language:
never DRF's or a parser's text, never an exception's. ``requestId`` is Conductor's request id when
Conductor answered, for support tickets. What every provider's API shares is ``core.api.errors``;
this module adds Conductor's failures.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rest_framework.response import Response

from ..client import ConductorAPIError, ConductorError
from ..core.api.errors import (
    DRF_CODES,
    PROVISIONING_RETRY_AFTER,
    RETRY_AFTER,
    STATUS_CODES,
    APIError,
    ErrorBody,
    ErrorDetail,
    error_response,
    handle,
    speaks_english,
)
from ..provisioning import ProvisioningInProgress
from . import codes

__all__ = [
    "DRF_CODES",
    "PROVISIONING_RETRY_AFTER",
    "RETRY_AFTER",
    "STATUS_CODES",
    "APIError",
    "ErrorBody",
    "ErrorDetail",
    "error_response",
    "exception_handler",
]

logger = logging.getLogger("conductor_django.api")


def _conductor_response(exc: ConductorError) -> Response:
    # Outages and garbage say nothing the user can act on: one neutral answer, retry later.
    if exc.is_outage:
        logger.warning("Conductor unavailable to the API: %s", exc)
        return error_response(
            503,
            codes.CONDUCTOR_UNAVAILABLE,
            request_id=exc.request_id,
            headers={"Retry-After": str(RETRY_AFTER)},
        )
    logger.warning("Conductor refused an API call: %s", exc)
    code = exc.code if isinstance(exc, ConductorAPIError) and exc.code else "CONDUCTOR_ERROR"
    # Conductor writes its userFacingMessage in English only: another language gets ours.
    message = exc.user_facing_message if speaks_english() else None
    return error_response(
        502, code, message or codes.CONDUCTOR_ERROR.message, request_id=exc.request_id
    )


def _conductor(exc: Exception) -> Response | None:
    if isinstance(exc, ProvisioningInProgress):
        return error_response(
            503,
            codes.PROVISIONING_IN_PROGRESS,
            headers={"Retry-After": str(PROVISIONING_RETRY_AFTER)},
        )
    if isinstance(exc, ConductorError):
        return _conductor_response(exc)
    return None


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's ``EXCEPTION_HANDLER`` for these views: every exception becomes the documented shape,
    whatever the host's ``REST_FRAMEWORK`` settings."""
    return handle(exc, context, _conductor)
