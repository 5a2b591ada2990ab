"""Pieces of every provider's OpenAPI 3.1 document, written by hand so that it needs no
schema-generation extras: references, JSON responses, the error body and the error responses
a table of codes implies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .codes import ErrorCode, for_status

#: A JSON object of the document.
JSONObject = dict[str, Any]

NULLABLE_STRING: JSONObject = {"type": ["string", "null"]}
NULLABLE_TIMESTAMP: JSONObject = {"type": ["string", "null"], "format": "date-time"}
RETRY_AFTER: JSONObject = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
}
HEADERS: dict[int, JSONObject] = {
    401: {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "The first authentication class's challenge.",
        }
    },
    405: {"Allow": {"schema": {"type": "string"}, "description": "The methods the route takes."}},
    429: RETRY_AFTER,
    503: RETRY_AFTER,
}


def ref(name: str) -> JSONObject:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(
    schema: JSONObject, description: str, headers: JSONObject | None = None
) -> JSONObject:
    response: JSONObject = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        response["headers"] = headers
    return response


def error_ref(name: str) -> JSONObject:
    return {"$ref": f"#/components/responses/{name}"}


def error_schema(
    enum: list[str] | None, description: str | None = None, request_id: str = ""
) -> JSONObject:
    code: JSONObject = {"type": "string"}
    if enum is not None:
        code["enum"] = enum
    if description:
        code["description"] = description
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "userFacingMessage", "requestId"],
                "properties": {
                    "code": code,
                    "userFacingMessage": {
                        "type": "string",
                        "description": "Safe to show to the end-user, in their language.",
                    },
                    "requestId": {**NULLABLE_STRING, "description": request_id},
                },
            }
        },
    }


def error_responses(
    table: Iterable[ErrorCode], names: dict[int, str], open_status: int | None, request_id: str
) -> JSONObject:
    """``components.responses``: one per status in ``names`` (its codes from ``table``; the
    ``open_status`` may carry codes no table lists), and ``OtherError`` for REQUEST_ERROR."""
    codes = list(table)
    responses: JSONObject = {}
    for status, name in names.items():
        found = for_status(codes, status)
        description = " ".join(f"{code.code}: {code.when}." for code in found)
        enum = None if status == open_status else [code.code for code in found]
        responses[name] = json_response(
            error_schema(enum, request_id=request_id), description, HEADERS.get(status)
        )
    other = [code for code in codes if not code.statuses]
    responses["OtherError"] = json_response(
        error_schema([code.code for code in other], request_id=request_id),
        " ".join(f"{code.code}: {code.when}." for code in other),
    )
    return responses
