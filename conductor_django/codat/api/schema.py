"""The Codat API's OpenAPI 3.1 document, written by hand (``core.api.schema``'s pieces).

Paths are relative to where the host mounts ``conductor_django.codat.api.urls``;
``document(server)`` puts that address in ``servers``. A test holds it to the urlconf and to the
views' real bodies.
"""

from __future__ import annotations

import copy

from ... import __version__
from ...core.api.schema import (
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

REQUEST_ID = "Codat's correlation id when Codat answered."
STATUSES = ["PendingAuth", "Linked", "Deauthorized", "Unlinked"]
IMAGE: JSONObject = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "required": ["src", "alt"],
    "properties": {"src": {"type": "string", "format": "uri"}, "alt": {"type": "string"}},
}


def _object(properties: JSONObject) -> JSONObject:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


SCHEMAS: JSONObject = {
    "Connection": _object(
        {
            "id": {"type": "string", "description": "Codat's connection id."},
            "companyId": {"type": "string"},
            "platformKey": {"type": "string", "description": "e.g. gbol (Xero)."},
            "platformName": {"type": "string"},
            "sourceType": {"type": "string", "description": "Accounting, Banking, Commerce…"},
            "status": {"type": "string", "enum": STATUSES, "description": "As Codat spells it."},
            "statusLabel": {"type": "string", "description": "The status in plain words."},
            "userFacingMessage": {
                **NULLABLE_STRING,
                "description": "The connection's last problem in the user's words.",
            },
            "errorCode": {**NULLABLE_STRING, "description": "The platform's status code."},
            "lastSync": NULLABLE_TIMESTAMP,
            "dataStatus": {
                "type": ["string", "null"],
                "enum": ["queued", "fetching", "complete", "failed", None],
                "description": "The first sync's progress once Linked.",
            },
            "dataStatusMessage": NULLABLE_STRING,
            "waitingForConnector": {
                "type": "boolean",
                "description": "Its sync waits for the connector on the user's computer "
                "(QuickBooks Desktop).",
            },
            "statusChangedAt": NULLABLE_TIMESTAMP,
            "createdAt": NULLABLE_TIMESTAMP,
        }
    ),
    "Connections": _object(
        {
            "connections": {"type": "array", "items": ref("Connection")},
            "canManage": {"type": "boolean"},
        }
    ),
    "LinkRequest": {
        "type": "object",
        "required": ["platformKey"],
        "properties": {
            "platformKey": {"type": "string"},
            "replace": {
                "type": "boolean",
                "description": "Replace the company's accounting connection to another platform "
                "(409 ACCOUNTING_CONNECTED says what that does).",
            },
            "redirectUrl": {
                "type": "string",
                "description": "Where the return from Link leads afterwards (this site only).",
            },
        },
    },
    "ReconnectRequest": {
        "type": "object",
        "properties": {"redirectUrl": {"type": "string"}},
    },
    "Link": _object(
        {
            "connection": ref("Connection"),
            "linkUrl": {
                "type": "string",
                "format": "uri",
                "description": "Send the browser here. A bearer link carrying a one-time state "
                "bound to this session: do not store or log it.",
            },
            "reused": {"type": "boolean"},
            "replaced": {"oneOf": [ref("Connection"), {"type": "null"}]},
        }
    ),
    "Platform": _object(
        {
            "key": {"type": "string"},
            "name": {"type": "string"},
            "sourceType": {"type": "string"},
            "logoUrl": {"type": "string", "format": "uri"},
            "offlineConnector": {"type": "boolean"},
            "beta": {"type": "boolean"},
            "brandedButtonRequired": {
                "type": "boolean",
                "description": "Show button/buttonHover (Intuit requires them for QuickBooks).",
            },
            "logo": IMAGE,
            "button": IMAGE,
            "buttonHover": IMAGE,
        }
    ),
    "Platforms": _object({"platforms": {"type": "array", "items": ref("Platform")}}),
    "Queued": _object({"queued": {"type": "boolean"}}),
    "Deleted": _object({"deleted": {"type": "boolean"}}),
    "Error": error_schema(None, "One of this API's codes (see the responses).", REQUEST_ID),
}

ERROR_RESPONSES: dict[int, str] = {
    400: "InvalidRequest",
    401: "NotAuthenticated",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    415: "UnsupportedMediaType",
    429: "Throttled",
    500: "InternalError",
    502: "CodatError",
    503: "Unavailable",
}
RESPONSES = error_responses(codes.ALL, ERROR_RESPONSES, None, REQUEST_ID)


def _errors(*statuses: int) -> JSONObject:
    found = {str(status): error_ref(ERROR_RESPONSES[status]) for status in statuses}
    return {**found, "default": error_ref("OtherError")}


ANY_ROUTE = (401, 403, 404, 405, 406, 429, 500, 502, 503)
BODY_ROUTE = (400, *ANY_ROUTE, 415)


def _body(schema: str) -> JSONObject:
    content = {"schema": ref(schema)}
    return {
        "required": False,
        "content": {
            "application/json": content,
            "application/x-www-form-urlencoded": content,
            "multipart/form-data": content,
        },
    }


CONNECTION_ID = {
    "name": "connection_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}

PATHS: JSONObject = {
    "/connections/": {
        "get": {
            "operationId": "listConnections",
            "summary": "The account's connections",
            "description": "As last recorded, without calling Codat; refresh=1 asks Codat first.",
            "parameters": [
                {
                    "name": "refresh",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["1", "true", "yes"]},
                }
            ],
            "responses": {
                "200": json_response(ref("Connections"), "The connections."),
                **_errors(*ANY_ROUTE),
            },
        },
        "post": {
            "operationId": "createConnection",
            "summary": "Start connecting a platform",
            "description": "Creates a connection (or reuses the platform's pending one) and "
            "returns the link to send the browser to. The user comes back through the redirect "
            "template set in Codat's Portal. Needs permission to manage.",
            "requestBody": {**_body("LinkRequest"), "required": True},
            "responses": {
                "201": json_response(ref("Link"), "The connection and its link."),
                **_errors(*BODY_ROUTE, 409),
            },
        },
    },
    "/connections/{connection_id}/": {
        "delete": {
            "operationId": "deleteConnection",
            "summary": "Delete a connection",
            "description": "Irreversible: connecting again makes a new one. Needs permission "
            "to manage.",
            "parameters": [CONNECTION_ID],
            "responses": {
                "200": json_response(ref("Deleted"), "Deleted."),
                **_errors(*ANY_ROUTE),
            },
        }
    },
    "/connections/{connection_id}/unlink/": {
        "post": {
            "operationId": "unlinkConnection",
            "summary": "Disconnect",
            "description": "Codat stops syncing; the data already read stays. Only a Linked "
            "connection. Needs permission to manage.",
            "parameters": [CONNECTION_ID],
            "responses": {
                "200": json_response(ref("Connection"), "The connection, Unlinked."),
                **_errors(*ANY_ROUTE, 409),
            },
        }
    },
    "/connections/{connection_id}/reconnect/": {
        "post": {
            "operationId": "reconnectConnection",
            "summary": "Reconnect",
            "description": "A link to send the connection through Link again. Needs permission "
            "to manage.",
            "parameters": [CONNECTION_ID],
            "requestBody": _body("ReconnectRequest"),
            "responses": {
                "201": json_response(ref("Link"), "The connection and its link."),
                **_errors(*BODY_ROUTE),
            },
        }
    },
    "/refresh/": {
        "post": {
            "operationId": "refreshConnections",
            "summary": "Refresh from Codat",
            "description": "Queued on the task backend; then GET connections/ (Location).",
            "responses": {
                "202": json_response(
                    ref("Queued"), "Queued.", {"Location": {"schema": {"type": "string"}}}
                ),
                **_errors(*ANY_ROUTE),
            },
        }
    },
    "/integrations/": {
        "get": {
            "operationId": "listPlatforms",
            "summary": "Platforms to connect",
            "description": "The enabled integrations of CODAT['SOURCE_TYPES'] with their "
            "branding, cached (no Codat call on a warm cache); q filters by name.",
            "parameters": [
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": json_response(ref("Platforms"), "The platforms, by name."),
                **_errors(*ANY_ROUTE),
            },
        }
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
                **_errors(405, 406, 429, 500),
            },
        }
    },
}

DOCUMENT: JSONObject = {
    "openapi": "3.1.0",
    "info": {
        "title": "Accounting connections API (conductor-django, Codat)",
        "version": __version__,
        "description": "Read and manage the Codat connections of the logged-in user's account. "
        'Every error has the body {"error": {"code", "userFacingMessage", "requestId"}}, with '
        "userFacingMessage in the request's language; so does any other path under the API's "
        "mount (404 NOT_FOUND).",
    },
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "responses": RESPONSES,
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sessionid"}},
    },
    "security": [{"session": []}],
}


def document(server_url: str | None = None) -> JSONObject:
    """The OpenAPI document; ``server_url`` is where the API is mounted."""
    result: JSONObject = copy.deepcopy(DOCUMENT)
    if server_url:
        result["servers"] = [{"url": server_url}]
    return result
