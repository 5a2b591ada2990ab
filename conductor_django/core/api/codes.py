"""The error codes every provider's API shares: for each, the HTTP statuses it comes with, when,
and the sentence the end-user sees. Each provider's ``codes`` module adds its own (no owner, not
allowed, the provider failing) and lists them all in ``ALL``, which its exception handler, its
OpenAPI document and the tests read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ErrorCode:
    """One ``error.code`` of an API."""

    code: str
    statuses: tuple[int, ...]
    #: When it is answered, in the OpenAPI document's words (English, for developers).
    when: str
    #: The ``userFacingMessage``, translated into the request's language when answered.
    message: Promise


INVALID_REQUEST = ErrorCode(
    "INVALID_REQUEST",
    (400,),
    "the body does not parse (malformed JSON or form data) or is not what the route takes",
    _("The request could not be understood. Please reload the page and try again."),
)
INVALID_REDIRECT_URL = ErrorCode(
    "INVALID_REDIRECT_URL",
    (400,),
    "redirectUrl points to another site",
    _("The address to return to after connecting must be on this site."),
)
NOT_AUTHENTICATED = ErrorCode(
    "NOT_AUTHENTICATED",
    (401, 403),
    "no credentials: 401 with WWW-Authenticate when the first authentication class has a "
    "challenge (Basic, token), else 403 (session authentication)",
    _("Please log in to continue."),
)
AUTHENTICATION_FAILED = ErrorCode(
    "AUTHENTICATION_FAILED",
    (401, 403),
    "credentials were sent but are wrong or expired (401 or 403, as NOT_AUTHENTICATED)",
    _("We could not confirm who you are. Please log in again."),
)
PERMISSION_DENIED = ErrorCode(
    "PERMISSION_DENIED",
    (403,),
    "refused before the view ran: a missing or wrong CSRF token with session authentication, "
    "or PermissionDenied raised by the host's OWNER_RESOLVER",
    _(
        "You are not allowed to do this. If you have just logged in or out, reload the page "
        "and try again."
    ),
)
NOT_FOUND = ErrorCode(
    "NOT_FOUND",
    (404,),
    "no route at this path under the API's mount, or Http404 raised by the host's OWNER_RESOLVER",
    _("There is nothing at this address."),
)
METHOD_NOT_ALLOWED = ErrorCode(
    "METHOD_NOT_ALLOWED",
    (405,),
    "the route does not take this method; Allow lists those it takes",
    _("This action is not available here."),
)
NOT_ACCEPTABLE = ErrorCode(
    "NOT_ACCEPTABLE",
    (406,),
    "the Accept header admits no JSON",
    _("This answer cannot be given in the format that was asked for."),
)
UNSUPPORTED_MEDIA_TYPE = ErrorCode(
    "UNSUPPORTED_MEDIA_TYPE",
    (415,),
    "a body whose Content-Type is not JSON, form-encoded or multipart",
    _("The request was sent in a format that is not supported."),
)
THROTTLED = ErrorCode(
    "THROTTLED",
    (429,),
    "a throttle of the host's DEFAULT_THROTTLE_CLASSES refused; Retry-After says when to retry",
    _("Too many requests. Please wait a moment and try again."),
)
INTERNAL_ERROR = ErrorCode(
    "INTERNAL_ERROR",
    (500,),
    "an unexpected exception (a bug, or a setting that cannot work); logged with its traceback "
    "to django.request",
    _("Something went wrong on our side. Please try again later."),
)
REQUEST_ERROR = ErrorCode(
    "REQUEST_ERROR",
    (),
    "another 4xx raised by one of the host's own DRF classes (authentication, throttle), "
    "with the status it chose",
    _("The request could not be completed. Please try again."),
)


def for_status(table: Iterable[ErrorCode], status: int) -> tuple[ErrorCode, ...]:
    """The codes of ``table`` an answer with this HTTP status may carry."""
    return tuple(code for code in table if status in code.statuses)
