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
"""

NOT_SET_UP = "INTEGRATION_CONNECTION_NOT_SET_UP"


class ConductorError(Exception):
    code = None
    type = None
    user_facing_message = None
    http_status_code = None
    integration_code = None
    request_id = None

    def __init__(self, message, **attrs):
        super().__init__(message)
        self.message = message
        for name, value in attrs.items():
            if not hasattr(ConductorError, name):
                raise TypeError(f"unexpected attribute {name!r}")
            setattr(self, name, value)

    def __str__(self):
        parts = [self.message]
        if self.code:
            parts.insert(0, f"[{self.code}]")
        if self.request_id:
            parts.append(f"(request {self.request_id})")
        return " ".join(parts)

    @property
    def is_transient(self):
        """Worth trying again later: nothing the end-user or the request itself must change."""
        return False

    @property
    def is_outage(self):
        """Says nothing about this request or account: Conductor was unreachable, overloaded or
        answered garbage. Show a neutral "try later", not ``user_facing_message``."""
        return True


class ConductorAPIError(ConductorError):
    @property
    def is_outage(self):
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
    retry_after = None

    @property
    def is_transient(self):
        return True


class InternalServerError(ConductorAPIError):
    @property
    def is_transient(self):
        return True


class InvalidResponseError(ConductorError):
    @property
    def is_transient(self):
        # An HTML 502 from a proxy is an outage; a malformed 200 is a bug that retrying won't fix.
        return (self.http_status_code or 0) >= 500


class NetworkError(ConductorError):
    @property
    def is_transient(self):
        return True


class TimeoutError(NetworkError):  # noqa: A001 - scoped by the module, like requests.Timeout
    pass


_BY_CODE = {
    NOT_SET_UP: ConnectionNotSetUpError,
    "RESOURCE_MISSING": NotFoundError,
    "API_KEY_INVALID": AuthenticationError,
}
_BY_TYPE = {
    "AUTHENTICATION_ERROR": AuthenticationError,
    "PERMISSION_ERROR": PermissionDeniedError,
    "INVALID_REQUEST_ERROR": InvalidRequestError,
    "INTEGRATION_ERROR": IntegrationError,
    "INTEGRATION_CONNECTION_ERROR": IntegrationConnectionError,
    "INTERNAL_ERROR": InternalServerError,
}


def api_error_class(code, type_, status):
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
