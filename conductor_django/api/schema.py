"""The API's OpenAPI 3.1 document, written by hand so it needs no schema-generation extras.

Paths are relative to where the host mounts ``conductor_django.api.urls``; ``document(server)``
puts that address in ``servers``. A test holds it to the urlconf and to the views' real bodies.
"""

import copy

from .. import __version__
from ..core.api.schema import (
    NULLABLE_STRING,
    NULLABLE_TIMESTAMP,
    JSONObject,
    error_ref,
    error_responses,
    error_schema,
    json_response,
    ref,
)
from . import codes

REQUEST_ID = "Conductor's request id when Conductor answered."


SCHEMAS: JSONObject = {
    "ConnectionStatus": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "status",
            "errorCode",
            "integrationCode",
            "userFacingMessage",
            "requestId",
            "checkedAt",
            "firstConnectedAt",
            "canManage",
            "checking",
        ],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["unknown", "not_set_up", "connected", "error"],
                "description": "unknown: has an end-user but was never checked. not_set_up: "
                "no connection (the flow was never finished, or it was disconnected).",
            },
            "errorCode": {
                **NULLABLE_STRING,
                "description": "Conductor's error code from the last check, e.g. "
                "INTEGRATION_CONNECTION_NOT_ACTIVE.",
            },
            "integrationCode": {
                **NULLABLE_STRING,
                "description": "The QuickBooks or Web Connector code, e.g. 0x80040420.",
            },
            "userFacingMessage": {
                **NULLABLE_STRING,
                "description": "Conductor's explanation for the end-user of the last failure.",
            },
            "requestId": {
                **NULLABLE_STRING,
                "description": "Conductor's request id of the last failed check.",
            },
            "checkedAt": {**NULLABLE_TIMESTAMP, "description": "When the last check ran."},
            "firstConnectedAt": NULLABLE_TIMESTAMP,
            "canManage": {
                "type": "boolean",
                "description": "Whether this user may start the auth flow or disconnect.",
            },
            "checking": {
                "type": "boolean",
                "description": "Whether a health check of this connection is running: its "
                "answer is not in this body yet.",
            },
        },
    },
    "AuthSessionRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "redirectUrl": {
                "type": "string",
                "description": "Where Conductor sends the browser when the flow ends: a path or "
                "an absolute URL on this site. Conductor adds no parameters to it.",
            }
        },
    },
    "AuthSession": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "authFlowUrl", "expiresAt"],
        "properties": {
            "id": {"type": "string", "description": "Conductor's auth session id."},
            "authFlowUrl": {
                "type": "string",
                "format": "uri",
                "description": "Send the browser here. A bearer link: do not store or log it.",
            },
            "expiresAt": {"type": "string", "format": "date-time"},
        },
    },
    "Disconnected": {
        "type": "object",
        "additionalProperties": False,
        "required": ["disconnected"],
        "properties": {
            "disconnected": {
                "type": "boolean",
                "description": "False when there was no Conductor end-user to delete.",
            }
        },
    },
    "Error": error_schema(
        None,
        "One of this API's codes (see the responses), or Conductor's own code on a 502.",
        REQUEST_ID,
    ),
}

# The name of each error response in components.responses, by HTTP status.
ERROR_RESPONSES: dict[int, str] = {
    400: "InvalidRequest",
    401: "NotAuthenticated",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    415: "UnsupportedMediaType",
    429: "Throttled",
    500: "InternalError",
    502: "ConductorError",
    503: "Unavailable",
}


# A 502 passes Conductor's own code on: no enum can list those.
RESPONSES = error_responses(codes.ALL, ERROR_RESPONSES, 502, REQUEST_ID)


def _errors(*statuses: int) -> JSONObject:
    responses = {str(status): error_ref(ERROR_RESPONSES[status]) for status in statuses}
    return {**responses, "default": error_ref("OtherError")}


# What any route may answer besides its own errors: refused before the view ran, or failed.
ANY_ROUTE = (405, 406, 429, 500)
COMMON_ERRORS = _errors(401, 403, 404, *ANY_ROUTE, 502, 503)
AUTH_SESSION_ERRORS = _errors(400, 401, 403, 404, *ANY_ROUTE, 415, 502, 503)


def _status_ok(description: str) -> JSONObject:
    return {"200": json_response(ref("ConnectionStatus"), description)}


ACCEPTED: JSONObject = {
    "202": json_response(
        ref("ConnectionStatus"),
        "The check is asked (or already running: one per account at a time). The body is the "
        "status as known now; follow Location (GET status/?since=...) for the answer. While "
        "checking is true, Retry-After says how many seconds to wait before asking.",
        {
            "Location": {
                "schema": {"type": "string", "format": "uri"},
                "description": "Where to follow this check.",
            },
        },
    )
}


DISCONNECT: JSONObject = {
    "summary": "Disconnect QuickBooks Desktop",
    "description": "Deletes the account's Conductor end-user and with it the connection; a new "
    "one is created the next time the account connects. Needs permission to manage.",
    "responses": {
        "200": json_response(ref("Disconnected"), "Disconnected."),
        **COMMON_ERRORS,
    },
}

PATHS: JSONObject = {
    "/status/": {
        "get": {
            "operationId": "getConnectionStatus",
            "summary": "Connection status",
            "description": "The status recorded by the last health check, without calling "
            "Conductor and without waiting for one. since follows the check asked then (the "
            "Location of a 202): 200 with checking true (and Retry-After) while it runs, then "
            "200 with its "
            "answer, or the error that kept it from answering (503 CONDUCTOR_UNAVAILABLE also "
            "when it never finished). refresh=1 asks for a check, as POST health-check/ does.",
            "parameters": [
                {
                    "name": "refresh",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["1", "true", "yes"]},
                },
                {
                    "name": "since",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "The moment a check was asked, as the Location of its 202 "
                    "gives it (Unix seconds).",
                },
            ],
            "responses": {
                **_status_ok("The connection status."),
                **ACCEPTED,
                **_errors(400, 401, 403, 404, *ANY_ROUTE, 502, 503),
            },
        }
    },
    "/health-check/": {
        "post": {
            "operationId": "runHealthCheck",
            "summary": "Ask for a health check",
            "description": "Asks Conductor, off the request, whether QuickBooks Desktop "
            "answers; answers 202 at once with a Location to follow. The answer is recorded; a "
            "connection problem is status error, not an HTTP error.",
            "responses": {
                **ACCEPTED,
                **COMMON_ERRORS,
            },
        }
    },
    "/auth-session/": {
        "post": {
            "operationId": "createAuthSession",
            "summary": "Start connecting QuickBooks Desktop",
            "description": "Creates a Conductor auth session. Send the browser to authFlowUrl; "
            "when the flow ends Conductor returns it to redirectUrl, then ask for a health "
            "check (POST health-check/) and follow it. Needs permission to manage.",
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": ref("AuthSessionRequest")},
                    "application/x-www-form-urlencoded": {"schema": ref("AuthSessionRequest")},
                    "multipart/form-data": {"schema": ref("AuthSessionRequest")},
                },
            },
            "responses": {
                "201": json_response(ref("AuthSession"), "The auth session."),
                **AUTH_SESSION_ERRORS,
            },
        }
    },
    "/disconnect/": {
        "post": {**DISCONNECT, "operationId": "disconnect"},
        "delete": {**DISCONNECT, "operationId": "disconnectWithDelete"},
    },
    "/schema/": {
        "get": {
            "operationId": "getSchema",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                **_errors(*ANY_ROUTE),
            },
        }
    },
}

DOCUMENT: JSONObject = {
    "openapi": "3.1.0",
    "info": {
        "title": "QuickBooks Desktop connection API (conductor-django)",
        "version": __version__,
        "description": "Read and manage the QuickBooks Desktop connection of the logged-in "
        'user\'s account. Every error has the body {"error": {"code", "userFacingMessage", '
        '"requestId"}}, with userFacingMessage in the request\'s language; so does any other '
        "path under the API's mount (404 NOT_FOUND).",
    },
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "responses": RESPONSES,
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        },
    },
    "security": [{"session": []}],
}


def document(server_url: str | None = None) -> JSONObject:
    """The OpenAPI document; ``server_url`` is where the API is mounted."""
    result: JSONObject = copy.deepcopy(DOCUMENT)
    if server_url:
        result["servers"] = [{"url": server_url}]
    return result
