"""The API's own error codes: for each, the HTTP statuses it comes with, when, and the sentence
the end-user sees.

One table, read by the exception handler (the message), the OpenAPI document (which code each
status may carry) and the tests (every code documented in ``docs/rest-api.md``). A 502 carries
Conductor's own code as well, which no table can list. The codes every provider's API shares
are ``core.api.codes``'s, re-exported here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..core.api import codes as core
from ..core.api.codes import (
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

__all__ = [
    "ALL",
    "AUTHENTICATION_FAILED",
    "CONDUCTOR_ERROR",
    "CONDUCTOR_UNAVAILABLE",
    "INTERNAL_ERROR",
    "INVALID_REDIRECT_URL",
    "INVALID_REQUEST",
    "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE",
    "NOT_ALLOWED",
    "NOT_AUTHENTICATED",
    "NOT_FOUND",
    "NO_OWNER",
    "PERMISSION_DENIED",
    "PROVISIONING_IN_PROGRESS",
    "REQUEST_ERROR",
    "THROTTLED",
    "UNSUPPORTED_MEDIA_TYPE",
    "ErrorCode",
    "for_status",
]

NOT_ALLOWED = ErrorCode(
    "NOT_ALLOWED",
    (403,),
    "CAN_MANAGE_CONNECTION refused (e.g. an organization member who is not an admin)",
    _("Only an administrator of your account can change its QuickBooks connection."),
)
NO_OWNER = ErrorCode(
    "NO_OWNER",
    (404,),
    "OWNER_RESOLVER found no owner for this user",
    _("There is no account to connect to QuickBooks Desktop."),
)
CONDUCTOR_ERROR = ErrorCode(
    "CONDUCTOR_ERROR",
    (502,),
    "Conductor refused the call: its own code (e.g. API_KEY_INVALID, RESOURCE_MISSING) when it "
    "gave one, else CONDUCTOR_ERROR; its userFacingMessage when the request's language is "
    "English (Conductor writes only English), else this sentence",
    _("QuickBooks Desktop could not complete this request. Please try again later."),
)
CONDUCTOR_UNAVAILABLE = ErrorCode(
    "CONDUCTOR_UNAVAILABLE",
    (503,),
    "Conductor unreachable, timing out, rate limiting, failing (5xx) or answering garbage; "
    "Retry-After set",
    _("We could not reach QuickBooks right now. Please try again in a few minutes."),
)
PROVISIONING_IN_PROGRESS = ErrorCode(
    "PROVISIONING_IN_PROGRESS",
    (503,),
    "the account's Conductor end-user is being created right now; Retry-After set",
    _("Your QuickBooks Desktop account is being set up. Please try again in a moment."),
)

ALL: tuple[ErrorCode, ...] = (
    INVALID_REQUEST,
    INVALID_REDIRECT_URL,
    NOT_AUTHENTICATED,
    AUTHENTICATION_FAILED,
    PERMISSION_DENIED,
    NOT_ALLOWED,
    NO_OWNER,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    UNSUPPORTED_MEDIA_TYPE,
    THROTTLED,
    INTERNAL_ERROR,
    CONDUCTOR_ERROR,
    CONDUCTOR_UNAVAILABLE,
    PROVISIONING_IN_PROGRESS,
    REQUEST_ERROR,
)


def for_status(status: int) -> tuple[ErrorCode, ...]:
    """The codes an answer with this HTTP status may carry."""
    return core.for_status(ALL, status)
