"""The API's OpenAPI 3.1 document, written by hand so it needs no schema-generation extras.

Paths are relative to where the host mounts ``conductor_django.api.urls``; ``document(server)``
puts that address in ``servers``. A test holds it to the urlconf and to the views' real bodies.
"""

import copy

from .. import __version__


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema, description, headers=None):
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _error(description):
    return {"$ref": f"#/components/responses/{description}"}


NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS = {
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
    "Error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "userFacingMessage", "requestId"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "CONDUCTOR_UNAVAILABLE, PROVISIONING_IN_PROGRESS, "
                        "NOT_AUTHENTICATED, NOT_ALLOWED, NO_OWNER, INVALID_REDIRECT_URL, "
                        "INVALID_REQUEST, METHOD_NOT_ALLOWED, or Conductor's own code.",
                    },
                    "userFacingMessage": {
                        "type": "string",
                        "description": "Safe to show to the end-user, in their language.",
                    },
                    "requestId": {
                        **NULLABLE_STRING,
                        "description": "Conductor's request id when Conductor answered.",
                    },
                },
            }
        },
    },
}

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}}

RESPONSES = {
    "InvalidRequest": _json(_ref("Error"), "The request was not valid (INVALID_REQUEST)."),
    "NotAuthenticated": _json(_ref("Error"), "Not logged in (NOT_AUTHENTICATED)."),
    "Forbidden": _json(
        _ref("Error"),
        "Not logged in (NOT_AUTHENTICATED, with session authentication), or not allowed to "
        "change this connection (NOT_ALLOWED).",
    ),
    "NoOwner": _json(_ref("Error"), "The user has no account to connect (NO_OWNER)."),
    "ConductorError": _json(
        _ref("Error"),
        "Conductor refused the call: its code and userFacingMessage are passed on.",
    ),
    "Unavailable": _json(
        _ref("Error"),
        "Conductor could not be reached, timed out, or answered garbage (CONDUCTOR_UNAVAILABLE); "
        "or the account's Conductor end-user is being created (PROVISIONING_IN_PROGRESS).",
        RETRY_AFTER,
    ),
}

COMMON_ERRORS = {
    "401": _error("NotAuthenticated"),
    "403": _error("Forbidden"),
    "404": _error("NoOwner"),
}
CONDUCTOR_ERRORS = {"502": _error("ConductorError"), "503": _error("Unavailable")}


def _status_ok(description):
    return {"200": _json(_ref("ConnectionStatus"), description)}


DISCONNECT = {
    "summary": "Disconnect QuickBooks Desktop",
    "description": "Deletes the account's Conductor end-user and with it the connection; a new "
    "one is created the next time the account connects. Needs permission to manage.",
    "responses": {
        "200": _json(_ref("Disconnected"), "Disconnected."),
        **COMMON_ERRORS,
        **CONDUCTOR_ERRORS,
    },
}

PATHS = {
    "/status/": {
        "get": {
            "operationId": "getConnectionStatus",
            "summary": "Connection status",
            "description": "The status recorded by the last health check, without calling "
            "Conductor; refresh=1 runs a health check first.",
            "parameters": [
                {
                    "name": "refresh",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["1", "true", "yes"]},
                }
            ],
            "responses": {
                **_status_ok("The connection status."),
                **COMMON_ERRORS,
                **CONDUCTOR_ERRORS,
            },
        }
    },
    "/health-check/": {
        "post": {
            "operationId": "runHealthCheck",
            "summary": "Run a health check",
            "description": "Asks Conductor whether QuickBooks Desktop answers now, records the "
            "outcome, and returns it. A connection problem is a 200 with status error.",
            "responses": {
                **_status_ok("The status just checked."),
                **COMMON_ERRORS,
                **CONDUCTOR_ERRORS,
            },
        }
    },
    "/auth-session/": {
        "post": {
            "operationId": "createAuthSession",
            "summary": "Start connecting QuickBooks Desktop",
            "description": "Creates a Conductor auth session. Send the browser to authFlowUrl; "
            "when the flow ends Conductor returns it to redirectUrl, then ask for the status "
            "with refresh=1. Needs permission to manage.",
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {"schema": _ref("AuthSessionRequest")},
                    "application/x-www-form-urlencoded": {"schema": _ref("AuthSessionRequest")},
                },
            },
            "responses": {
                "201": _json(_ref("AuthSession"), "The auth session."),
                "400": _error("InvalidRequest"),
                **COMMON_ERRORS,
                **CONDUCTOR_ERRORS,
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
                }
            },
        }
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "QuickBooks Desktop connection API (conductor-django)",
        "version": __version__,
        "description": "Read and manage the QuickBooks Desktop connection of the logged-in "
        'user\'s account. Every error has the body {"error": {"code", "userFacingMessage", '
        '"requestId"}}.',
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


def document(server_url=None):
    """The OpenAPI document; ``server_url`` is where the API is mounted."""
    result = copy.deepcopy(DOCUMENT)
    if server_url:
        result["servers"] = [{"url": server_url}]
    return result
