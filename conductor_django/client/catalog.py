"""Conductor's documented errors for a QuickBooks Desktop connection, with their user-facing texts.

One catalog, so the sandbox, the fake for host tests and our own tests all answer what Conductor
answers. Entries: (HTTP status, code, type, integrationCode, message, userFacingMessage).
"""

from typing import Literal, NotRequired, TypedDict

GENERIC_USER_MESSAGE = "An internal server error occurred. Please try again."

NOT_SET_UP_USER_MESSAGE = (
    "QuickBooks Desktop is not connected yet. Please finish setting up the connection by "
    "completing the QuickBooks Desktop setup steps, then try again."
)
QBD_NOT_RUNNING_USER_MESSAGE = (
    "We could not connect to QuickBooks Desktop because QuickBooks could not be started. Please "
    "open QuickBooks Desktop and your company file on the computer where the QuickBooks Web "
    "Connector is installed, then try again."
)
NOT_ACTIVE_USER_MESSAGE = (
    "The connection to QuickBooks Desktop is not active. Please check that the computer running "
    "QuickBooks Desktop is turned on, that the QuickBooks Web Connector is running (open it, or "
    "in QuickBooks choose File > App Management > Update Web Services), and that Auto-Run is "
    "enabled for this application in the Web Connector, then try again."
)
PERMISSION_DENIED_USER_MESSAGE = (
    "QuickBooks Desktop denied access to this application. To fix this, open QuickBooks Desktop "
    "and sign in as an Admin user, go to Edit > Preferences > Integrated Applications > Company "
    'Preferences, select this application, click Properties, check "Allow this application to '
    'log in automatically", click OK, and then try again.'
)
TIMEOUT_USER_MESSAGE = "QuickBooks Desktop did not respond in time. Please try again."

CONNECTION_ERROR = "INTEGRATION_CONNECTION_ERROR"

# How an outage answers, by HTTP status: (code, type). Conductor documents none of these; they
# are the shapes the sandbox and the fake use, with the masked user-facing message.
OUTAGES: dict[int, tuple[str, str]] = {
    500: ("INTERNAL_SERVER_ERROR", "INTERNAL_ERROR"),
    502: ("BAD_GATEWAY", "INTERNAL_ERROR"),
    503: ("SERVICE_UNAVAILABLE", "INTERNAL_ERROR"),
    429: ("TOO_MANY_REQUESTS", "INVALID_REQUEST_ERROR"),
}

# What a proxy in front of an API answers when the API behind it is down: not JSON at all.
PROXY_502_HTML = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

#: The health check's failing states, each a key of ``HEALTH_CHECK_ERRORS``.
HealthCheckProblem = Literal[
    "not_set_up", "qbd_not_running", "not_active", "permission_denied", "request_timeout"
]
#: (HTTP status, code, type, integrationCode, message, userFacingMessage)
HealthCheckError = tuple[int, str, str, str | None, str, str]

HEALTH_CHECK_ERRORS: dict[HealthCheckProblem, HealthCheckError] = {
    "not_set_up": (
        409,
        "INTEGRATION_CONNECTION_NOT_SET_UP",
        CONNECTION_ERROR,
        None,
        "The end-user has not completed the QuickBooks Desktop auth flow: create an auth session "
        "and send them to its authFlowUrl.",
        NOT_SET_UP_USER_MESSAGE,
    ),
    "qbd_not_running": (
        502,
        "QBD_CONNECTION_ERROR",
        CONNECTION_ERROR,
        "0x80040408",
        "QuickBooks Desktop could not be started (0x80040408): Could not start QuickBooks.",
        QBD_NOT_RUNNING_USER_MESSAGE,
    ),
    "not_active": (
        502,
        "INTEGRATION_CONNECTION_NOT_ACTIVE",
        CONNECTION_ERROR,
        None,
        "The end-user's QuickBooks Web Connector has not connected to Conductor recently: the "
        "computer may be off, the Web Connector may not be running, or Auto-Run is disabled.",
        NOT_ACTIVE_USER_MESSAGE,
    ),
    "permission_denied": (
        502,
        "QBD_CONNECTION_ERROR",
        CONNECTION_ERROR,
        "0x80040420",
        "The QuickBooks user has denied access (0x80040420).",
        PERMISSION_DENIED_USER_MESSAGE,
    ),
    "request_timeout": (
        504,
        "QBD_REQUEST_TIMEOUT",
        CONNECTION_ERROR,
        None,
        "QuickBooks Desktop did not respond to the request in time.",
        TIMEOUT_USER_MESSAGE,
    ),
}


class ErrorDetail(TypedDict):
    message: str
    userFacingMessage: str
    type: str
    code: str
    httpStatusCode: int
    requestId: str
    integrationCode: NotRequired[str]


class ErrorEnvelope(TypedDict):
    """Conductor's error body."""

    error: ErrorDetail


def error_envelope(
    status: int,
    code: str,
    type_: str,
    message: str,
    user_facing_message: str,
    request_id: str,
    *,
    integration_code: str | None = None,
) -> ErrorEnvelope:
    """Conductor's error body: ``{"error": {...}}``, ``integrationCode`` only when given."""
    error: ErrorDetail = {
        "message": message,
        "userFacingMessage": user_facing_message,
        "type": type_,
        "code": code,
        "httpStatusCode": status,
        "requestId": request_id,
    }
    if integration_code:
        error["integrationCode"] = integration_code
    return {"error": error}


def health_check_error(name: HealthCheckProblem, request_id: str) -> tuple[int, ErrorEnvelope]:
    """(status, body) of the health check's answer in the named scenario."""
    status, code, type_, integration_code, message, user_facing = HEALTH_CHECK_ERRORS[name]
    body = error_envelope(
        status, code, type_, message, user_facing, request_id, integration_code=integration_code
    )
    return status, body
