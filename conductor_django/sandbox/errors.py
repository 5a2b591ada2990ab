"""Conductor's error envelope and the API's JSON responses.

Every error body is ``{"error": {message, userFacingMessage, type, code, httpStatusCode,
requestId[, integrationCode]}}`` and its ``requestId`` equals the ``Conductor-Request-Id`` header.
Codes Conductor does not document (validation, 405, 429, injected 5xx) are the sandbox's own
choice and listed in ``conductor_django.sandbox``'s docstring.
"""

from collections.abc import Mapping, Sequence

from django.http import JsonResponse

from ..client.catalog import GENERIC_USER_MESSAGE, ErrorDetail, ErrorEnvelope

REQUEST_ID_HEADER = "Conductor-Request-Id"

MASKED = GENERIC_USER_MESSAGE

INVALID_REQUEST_ERROR = "INVALID_REQUEST_ERROR"
AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
INTEGRATION_CONNECTION_ERROR = "INTEGRATION_CONNECTION_ERROR"
INTERNAL_ERROR = "INTERNAL_ERROR"


class ApiError(Exception):
    """Raised inside an API view; ``api.dispatch`` turns it into the error envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        type: str = INVALID_REQUEST_ERROR,  # noqa: A002 - the envelope's own field name
        user_facing_message: str = MASKED,
        integration_code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.type = type
        self.user_facing_message = user_facing_message
        self.integration_code = integration_code
        self.headers: Mapping[str, str] = headers or {}

    def body(self, request_id: str) -> ErrorEnvelope:
        error: ErrorDetail = {
            "message": self.message,
            "userFacingMessage": self.user_facing_message,
            "type": self.type,
            "code": self.code,
            "httpStatusCode": self.status,
            "requestId": request_id,
        }
        if self.integration_code:
            error["integrationCode"] = self.integration_code
        return {"error": error}

    def response(self, request_id: str) -> JsonResponse:
        response = json_response(self.body(request_id), request_id, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def json_response(data: object, request_id: str, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False)
    response[REQUEST_ID_HEADER] = request_id
    return response


def invalid(message: str) -> ApiError:
    return ApiError(400, "INVALID_REQUEST", message)


def not_found(message: str) -> ApiError:
    return ApiError(404, "RESOURCE_MISSING", message)


def api_key_invalid() -> ApiError:
    return ApiError(
        401,
        "API_KEY_INVALID",
        "Invalid or missing secret key. Pass your Conductor secret key in the `Authorization` "
        "header as `Bearer sk_conductor_...`.",
        type=AUTHENTICATION_ERROR,
    )


def method_not_allowed(method: str, path: str, allowed: Sequence[str]) -> ApiError:
    return ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"The method {method} is not allowed for {path}; allowed: {', '.join(allowed)}.",
        headers={"Allow": ", ".join(allowed)},
    )


def internal(status: int, code: str) -> ApiError:
    return ApiError(status, code, MASKED, type=INTERNAL_ERROR)
