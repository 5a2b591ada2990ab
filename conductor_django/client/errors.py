"""The exceptions the Conductor client raises.

Every instance carries the same attributes, whatever went wrong, so callers can branch on
``code`` and show ``user_facing_message`` without digging into a response body::

    ConductorError
    ├── ConductorAPIError              Conductor answered with its error envelope
    │   ├── AuthenticationError        AUTHENTICATION_ERROR (401: bad or missing secret key)
    │   ├── PermissionDeniedError      PERMISSION_ERROR
    │   ├── InvalidRequestError        INVALID_REQUEST_ERROR
    │   │   └── NotFoundError          RESOURCE_MISSING
    │   ├── IntegrationError           INTEGRATION_ERROR (QuickBooks rejected the request)
    │   ├── IntegrationConnectionError INTEGRATION_CONNECTION_ERROR (only the end-user can fix it)
    │   │   └── ConnectionNotSetUpError  INTEGRATION_CONNECTION_NOT_SET_UP
    │   ├── RateLimitError             HTTP 429
    │   └── InternalServerError        INTERNAL_ERROR, or any other 5xx
    ├── InvalidResponseError           a body that is not the documented JSON
    └── NetworkError                   no HTTP answer at all
        └── TimeoutError               the connect or read timeout ran out

``ConductorError`` is a :class:`conductor_django.transport.ProviderError`, the base the Codat
client's errors share, so code serving both providers can catch that and ask ``is_outage``.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from ..transport import ProviderError

__all__ = [
    "NOT_SET_UP",
    "ConductorErrorAttributes",
    "ConductorError",
    "ConductorAPIError",
    "AuthenticationError",
    "PermissionDeniedError",
    "InvalidRequestError",
    "NotFoundError",
    "IntegrationError",
    "IntegrationConnectionError",
    "ConnectionNotSetUpError",
    "RateLimitError",
    "InternalServerError",
    "InvalidResponseError",
    "NetworkError",
    "TimeoutError",
    "api_error_class",
]

NOT_SET_UP = "INTEGRATION_CONNECTION_NOT_SET_UP"


class ConductorErrorAttributes(TypedDict, total=False):
    """The keyword arguments every :class:`ConductorError` accepts (each defaults to None)."""

    code: str | None
    type: str | None
    user_facing_message: str | None
    http_status_code: int | None
    integration_code: str | None
    request_id: str | None
    retry_after: float | None


class ConductorError(ProviderError):
    _attributes = frozenset(ConductorErrorAttributes.__optional_keys__)
    code: str | None = None
    type: str | None = None
    user_facing_message: str | None = None
    http_status_code: int | None = None
    integration_code: str | None = None
    request_id: str | None = None

    def __init__(self, message: str, **attributes: Unpack[ConductorErrorAttributes]) -> None:
        super().__init__(message, **attributes)

    def __str__(self) -> str:
        parts = [self.message]
        if self.code:
            parts.insert(0, f"[{self.code}]")
        if self.request_id:
            parts.append(f"(request {self.request_id})")
        return " ".join(parts)

    @property
    def log_label(self) -> str:
        return self.code or type(self).__name__


class ConductorAPIError(ConductorError):
    @property
    def is_outage(self) -> bool:
        return self.is_transient


class AuthenticationError(ConductorAPIError):
    pass


class PermissionDeniedError(ConductorAPIError):
    pass


class InvalidRequestError(ConductorAPIError):
    pass


class NotFoundError(InvalidRequestError):
    pass


class IntegrationError(ConductorAPIError):
    pass


class IntegrationConnectionError(ConductorAPIError):
    pass


class ConnectionNotSetUpError(IntegrationConnectionError):
    pass


class RateLimitError(ConductorAPIError):
    @property
    def is_transient(self) -> bool:
        return True


class InternalServerError(ConductorAPIError):
    @property
    def is_transient(self) -> bool:
        return True


class InvalidResponseError(ConductorError):
    @property
    def is_transient(self) -> bool:
        # An HTML 502 from a proxy is an outage; a malformed 200 is a bug that retrying won't fix.
        return (self.http_status_code or 0) >= 500


class NetworkError(ConductorError):
    @property
    def is_transient(self) -> bool:
        return True


class TimeoutError(NetworkError):  # noqa: A001 - scoped by the module, like requests.Timeout
    pass


_BY_CODE: dict[str, type[ConductorAPIError]] = {
    NOT_SET_UP: ConnectionNotSetUpError,
    "RESOURCE_MISSING": NotFoundError,
    "API_KEY_INVALID": AuthenticationError,
}
_BY_TYPE: dict[str, type[ConductorAPIError]] = {
    "AUTHENTICATION_ERROR": AuthenticationError,
    "PERMISSION_ERROR": PermissionDeniedError,
    "INVALID_REQUEST_ERROR": InvalidRequestError,
    "INTEGRATION_ERROR": IntegrationError,
    "INTEGRATION_CONNECTION_ERROR": IntegrationConnectionError,
    "INTERNAL_ERROR": InternalServerError,
}


def api_error_class(code: str | None, type_: str | None, status: int) -> type[ConductorAPIError]:
    if code in _BY_CODE:
        return _BY_CODE[code]
    if status == 429:
        return RateLimitError
    if type_ in _BY_TYPE:
        return _BY_TYPE[type_]
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status >= 500:
        return InternalServerError
    return ConductorAPIError
