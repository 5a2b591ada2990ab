"""The exceptions the Codat client raises.

Every instance carries the fields of Codat's error body as attributes, whatever went wrong::

    CodatError
    ├── CodatAPIError                   Codat answered with its error body
    │   ├── BadRequestError             400: invalid request or query (``validation``)
    │   ├── AuthenticationError         401: bad or missing API key
    │   ├── PaymentRequiredError        402: a plan limit (e.g. the free plan's 50 companies)
    │   ├── ForbiddenError              403: outdated key, or one not meant for the resource
    │   ├── NotFoundError               404: unknown (or deleted) company or connection
    │   ├── ConflictError               409
    │   ├── RateLimitError              429 (``retry_after``)
    │   └── InternalServerError         500, and any 5xx but 503
    │       └── ServiceUnavailableError 503: maintenance
    ├── InvalidResponseError            a body that is not the documented JSON
    └── NetworkError                    no HTTP answer at all
        └── TimeoutError                the connect or read time-out ran out

The class follows the HTTP status, not the body's ``statusCode``: the spec's own examples
disagree with their status (its 402 example says 429, its 503 example says 500), so
``status_code`` is the HTTP status too. ``is_transient`` and ``is_outage`` mean what they
mean for Conductor's errors (:class:`conductor_django.transport.ProviderError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

import requests

from ...transport import ProviderError, redact, retry_after_seconds

# The error body's documented fields: a JSON object with none of them is not Codat's answer.
_ERROR_FIELDS = ("statusCode", "service", "error", "correlationId", "canBeRetried")


@dataclass(frozen=True)
class ValidationItem:
    item_id: str | None
    message: str | None
    validator_name: str | None


@dataclass(frozen=True)
class Validation:
    """The error body's ``validation``: why Codat rejected what was sent."""

    errors: tuple[ValidationItem, ...] = ()
    warnings: tuple[ValidationItem, ...] = ()


class CodatErrorAttributes(TypedDict, total=False):
    """The keyword arguments every :class:`CodatError` accepts (each defaults to None)."""

    status_code: int | None
    service: str | None
    correlation_id: str | None
    can_be_retried: str | None
    detailed_error_code: int | None
    validation: Validation | None
    retry_after: float | None


class CodatError(ProviderError):
    _attributes = frozenset(CodatErrorAttributes.__optional_keys__)
    status_code: int | None = None
    service: str | None = None
    correlation_id: str | None = None
    # A string, as Codat sends it: "Unknown" on most failures.
    can_be_retried: str | None = None
    detailed_error_code: int | None = None
    validation: Validation | None = None

    def __init__(self, message: str, **attributes: Unpack[CodatErrorAttributes]) -> None:
        super().__init__(message, **attributes)

    @property
    def error(self) -> str:
        """Codat's ``error`` text (the message), secrets redacted."""
        return self.message

    def __str__(self) -> str:
        parts = [self.message]
        if self.status_code:
            parts.insert(0, f"[HTTP {self.status_code}]")
        if self.correlation_id:
            parts.append(f"(correlation {self.correlation_id})")
        return " ".join(parts)

    @property
    def log_label(self) -> str:
        if self.status_code:
            return f"HTTP {self.status_code}"
        return type(self).__name__


class CodatAPIError(CodatError):
    @property
    def is_outage(self) -> bool:
        return self.is_transient


class BadRequestError(CodatAPIError):
    pass


class AuthenticationError(CodatAPIError):
    pass


class PaymentRequiredError(CodatAPIError):
    pass


class ForbiddenError(CodatAPIError):
    pass


class NotFoundError(CodatAPIError):
    pass


class ConflictError(CodatAPIError):
    pass


class RateLimitError(CodatAPIError):
    @property
    def is_transient(self) -> bool:
        return True


class InternalServerError(CodatAPIError):
    @property
    def is_transient(self) -> bool:
        return True


class ServiceUnavailableError(InternalServerError):
    pass


class InvalidResponseError(CodatError):
    @property
    def is_transient(self) -> bool:
        # An HTML 502 from a proxy is an outage; a malformed 200 is a bug that retrying won't fix.
        return (self.status_code or 0) >= 500


class NetworkError(CodatError):
    @property
    def is_transient(self) -> bool:
        return True


class TimeoutError(NetworkError):  # noqa: A001 - scoped by the module, like requests.Timeout
    pass


_BY_STATUS: dict[int, type[CodatAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def api_error_class(status: int) -> type[CodatAPIError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return InternalServerError
    return CodatAPIError


def validation_from(data: Any, clean: Callable[[object], str | None]) -> Validation | None:
    """The body's ``validation``, keeping only well-typed parts: an error body is read
    leniently, since failing to read it would hide the error it reports. ``clean`` redacts."""
    if not isinstance(data, dict):
        return None

    def items(name: str) -> tuple[ValidationItem, ...]:
        values = data.get(name)
        if not isinstance(values, list):
            return ()
        return tuple(
            ValidationItem(
                item_id=clean(value.get("itemId")),
                message=clean(value.get("message")),
                validator_name=clean(value.get("validatorName")),
            )
            for value in values
            if isinstance(value, dict)
        )

    return Validation(errors=items("errors"), warnings=items("warnings"))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class CodatErrors:
    """How the transport turns what went wrong into these exceptions (its ``ErrorMapper``)."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        self._secrets = secrets

    def _clean(self, value: object) -> str | None:
        """A string field of the body, secrets redacted: Codat may echo what it was sent."""
        text = _text(value)
        return redact(text, self._secrets) if text else None

    def network_error(self, exc: requests.RequestException) -> CodatError:
        if isinstance(exc, requests.Timeout):
            return TimeoutError("Codat did not answer in time.")
        return NetworkError(f"Could not reach Codat ({type(exc).__name__}).")

    def invalid_response(self, response: requests.Response) -> CodatError:
        return InvalidResponseError(
            f"Codat answered HTTP {response.status_code} with a body that is not the "
            f"documented JSON (Content-Type: {response.headers.get('Content-Type', 'none')}).",
            status_code=response.status_code,
        )

    def api_error(self, response: requests.Response) -> CodatError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not any(name in body for name in _ERROR_FIELDS):
            return self.invalid_response(response)
        status = response.status_code
        detailed = body.get("detailedErrorCode")
        error = api_error_class(status)(
            self._clean(body.get("error")) or f"HTTP {status}",
            status_code=status,
            service=_text(body.get("service")),
            correlation_id=_text(body.get("correlationId")),
            can_be_retried=_text(body.get("canBeRetried")),
            detailed_error_code=detailed
            if isinstance(detailed, int) and not isinstance(detailed, bool)
            else None,
            validation=validation_from(body.get("validation"), self._clean),
        )
        if isinstance(error, RateLimitError):
            error.retry_after = retry_after_seconds(response)
        return error
