"""The Codat API's error codes: the ones every provider's API shares (``core.api.codes``), and
Codat's own. ``ALL`` is read by the exception handler, the OpenAPI document and the tests
(every code documented in ``docs/codat.md``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ...core.api import codes as core
from ...core.api.codes import (
    AUTHENTICATION_FAILED,
    INTERNAL_ERROR,
    INVALID_REDIRECT_URL,
    INVALID_REQUEST,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    PERMISSION_DENIED,
    REQUEST_ERROR,
    THROTTLED,
    UNSUPPORTED_MEDIA_TYPE,
    ErrorCode,
)
from ..outcomes import MESSAGES, Problem

__all__ = [
    "ACCOUNTING_CONNECTED",
    "ALL",
    "AUTHENTICATION_FAILED",
    "BY_PROBLEM",
    "CODAT_ERROR",
    "CODAT_UNAVAILABLE",
    "CONNECTION_NOT_FOUND",
    "INTERNAL_ERROR",
    "INVALID_REDIRECT_URL",
    "INVALID_REQUEST",
    "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE",
    "NOT_ALLOWED",
    "NOT_AUTHENTICATED",
    "NOT_FOUND",
    "NOT_LINKED",
    "NO_OWNER",
    "PERMISSION_DENIED",
    "PROVISIONING_IN_PROGRESS",
    "REQUEST_ERROR",
    "THROTTLED",
    "UNKNOWN_PLATFORM",
    "UNSUPPORTED_MEDIA_TYPE",
    "ErrorCode",
    "for_status",
]

NOT_ALLOWED = ErrorCode(
    "NOT_ALLOWED",
    (403,),
    "CAN_MANAGE_CONNECTION refused (e.g. an organization member who is not an admin)",
    _("Only an administrator of your account can change its accounting connections."),
)
NO_OWNER = ErrorCode(
    "NO_OWNER",
    (404,),
    "OWNER_RESOLVER found no owner for this user",
    _("There is no account to connect to accounting software."),
)
CONNECTION_NOT_FOUND = ErrorCode(
    "CONNECTION_NOT_FOUND",
    (404,),
    "no connection with this id among the account's (never its, or deleted)",
    MESSAGES[Problem.NOT_FOUND],
)
UNKNOWN_PLATFORM = ErrorCode(
    "UNKNOWN_PLATFORM",
    (400,),
    "platformKey names no enabled integration of CODAT['SOURCE_TYPES'] (see integrations/)",
    MESSAGES[Problem.UNKNOWN_PLATFORM],
)
ACCOUNTING_CONNECTED = ErrorCode(
    "ACCOUNTING_CONNECTED",
    (409,),
    "the company has an accounting connection to another platform and Codat allows one: the "
    "message says what replacing it does; send replace=true to do it",
    MESSAGES[Problem.ACCOUNTING_CONNECTED],
)
NOT_LINKED = ErrorCode(
    "NOT_LINKED",
    (409,),
    "unlink of a connection that is not Linked (Codat unlinks only those)",
    MESSAGES[Problem.NOT_LINKED],
)
CODAT_ERROR = ErrorCode(
    "CODAT_ERROR",
    (502,),
    "Codat refused the call (our API key, a plan limit): nothing the user can change",
    MESSAGES[Problem.REFUSED],
)
CODAT_UNAVAILABLE = ErrorCode(
    "CODAT_UNAVAILABLE",
    (503,),
    "Codat unreachable, timing out, rate limiting, failing (5xx) or answering garbage, or no "
    "CODAT['API_KEY'] set (logged at ERROR); Retry-After set",
    MESSAGES[Problem.UNAVAILABLE],
)
PROVISIONING_IN_PROGRESS = ErrorCode(
    "PROVISIONING_IN_PROGRESS",
    (503,),
    "the account's Codat company is being created right now; Retry-After set",
    MESSAGES[Problem.SETTING_UP],
)

ALL: tuple[ErrorCode, ...] = (
    INVALID_REQUEST,
    INVALID_REDIRECT_URL,
    UNKNOWN_PLATFORM,
    NOT_AUTHENTICATED,
    AUTHENTICATION_FAILED,
    PERMISSION_DENIED,
    NOT_ALLOWED,
    NO_OWNER,
    NOT_FOUND,
    CONNECTION_NOT_FOUND,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    ACCOUNTING_CONNECTED,
    NOT_LINKED,
    UNSUPPORTED_MEDIA_TYPE,
    THROTTLED,
    INTERNAL_ERROR,
    CODAT_ERROR,
    CODAT_UNAVAILABLE,
    PROVISIONING_IN_PROGRESS,
    REQUEST_ERROR,
)

#: The code each service problem answers with.
BY_PROBLEM: dict[Problem, ErrorCode] = {
    Problem.NOT_CONFIGURED: CODAT_UNAVAILABLE,
    Problem.SETTING_UP: PROVISIONING_IN_PROGRESS,
    Problem.UNAVAILABLE: CODAT_UNAVAILABLE,
    Problem.REFUSED: CODAT_ERROR,
    Problem.UNKNOWN_PLATFORM: UNKNOWN_PLATFORM,
    Problem.ACCOUNTING_CONNECTED: ACCOUNTING_CONNECTED,
    Problem.NOT_FOUND: CONNECTION_NOT_FOUND,
    Problem.NOT_LINKED: NOT_LINKED,
}


def for_status(status: int) -> tuple[ErrorCode, ...]:
    """The codes an answer with this HTTP status may carry."""
    return core.for_status(ALL, status)
