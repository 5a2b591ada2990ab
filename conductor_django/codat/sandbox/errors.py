"""Codat's error answers: ``{statusCode, service, error, correlationId, validation,
canBeRetried, detailedErrorCode}``, with the texts of ``conductor_django.codat.catalog``."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse, JsonResponse

from .. import catalog, shapes


class ApiError(Exception):
    """Raised inside an API view; ``api.dispatch`` turns it into Codat's error body."""

    def __init__(
        self,
        status: int,
        error: str,
        *,
        service: str = catalog.SERVICE,
        validation: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.service = service
        self.validation = validation
        self.headers = dict(headers or {})

    def response(self, correlation: str) -> HttpResponse:
        body = shapes.error_body(
            self.status,
            self.error,
            service=self.service,
            correlation=correlation,
            validation=self.validation,
        )
        response = json_response(body, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return JsonResponse(data, status=status, safe=False)


def bad_request(message: str, field: str | None = None) -> ApiError:
    validation = shapes.validation_error(field, message) if field else None
    return ApiError(400, message, validation=validation)


def malformed_query(message: str) -> ApiError:
    return ApiError(400, message, service=catalog.CLIENTS_SERVICE)


def unauthorized() -> ApiError:
    return ApiError(401, catalog.UNAUTHORIZED)


def company_not_found(company_id: str) -> ApiError:
    return ApiError(404, catalog.company_not_found(company_id), service=catalog.CLIENTS_SERVICE)


def connection_not_found(connection_id: str) -> ApiError:
    return ApiError(404, catalog.connection_not_found(connection_id))


def integration_not_found(key: str) -> ApiError:
    return ApiError(404, catalog.integration_not_found(key))


def route_not_found() -> ApiError:
    return ApiError(404, catalog.NOT_FOUND)


def method_not_allowed(allowed: list[str]) -> ApiError:
    return ApiError(405, "Method not allowed.", headers={"Allow": ", ".join(allowed)})


def outage(status: int, retry_after: int | None = None) -> ApiError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ApiError(status, catalog.OUTAGES[status], headers=headers)
