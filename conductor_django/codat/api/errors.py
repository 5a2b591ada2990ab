"""Every failure of the Codat API as the one error shape (``core.api.errors``), with Codat's
problems mapped to their codes. ``requestId`` is Codat's correlation id when Codat answered."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from rest_framework.response import Response

from ...core.api.errors import (
    PROVISIONING_RETRY_AFTER,
    RETRY_AFTER,
    error_response,
    handle,
)
from ..client import CodatError
from ..outcomes import CodatProblem, Problem, from_error
from . import codes

logger = logging.getLogger("conductor_django.codat.api")


def _retry_after(problem: CodatProblem) -> str:
    if problem.retry_at is not None:
        wait = (problem.retry_at - timezone.now()).total_seconds()
        return str(max(1, math.ceil(wait)))
    if problem.kind == Problem.SETTING_UP:
        return str(PROVISIONING_RETRY_AFTER)
    return str(RETRY_AFTER)


def problem_response(problem: CodatProblem) -> Response:
    code = codes.BY_PROBLEM[problem.kind]
    message = problem.message
    if problem.replacement is not None:
        message = f"{message} {problem.replacement.message}"
    headers = {"Retry-After": _retry_after(problem)} if code.statuses[0] == 503 else None
    correlation = problem.error.correlation_id if problem.error is not None else None
    return error_response(code.statuses[0], code, message, correlation, headers)


def _codat(exc: Exception) -> Response | None:
    if isinstance(exc, CodatProblem):
        return problem_response(exc)
    if isinstance(exc, CodatError):  # a service should not let one out; answer it all the same
        return problem_response(from_error(exc, None, "answer an API call"))
    return None


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's ``EXCEPTION_HANDLER`` for these views: every exception becomes the documented shape,
    whatever the host's ``REST_FRAMEWORK`` settings."""
    return handle(exc, context, _codat)
