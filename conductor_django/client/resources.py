"""Typed views of Conductor's JSON objects.

``from_api`` raises ``ValueError`` on a body that lacks a documented field or holds one of the
wrong type, so the client can turn a malformed success body into ``InvalidResponseError``
instead of passing half an object on.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self, overload


@overload
def format_timestamp(moment: datetime) -> str: ...
@overload
def format_timestamp(moment: None) -> None: ...
@overload
def format_timestamp(moment: datetime | None) -> str | None: ...
def format_timestamp(moment: datetime | None) -> str | None:
    """Conductor's timestamp format: UTC, milliseconds, ``Z`` (``2024-01-01T12:34:56.789Z``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _object(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _fields(data: object, *names: str) -> list[object]:
    found = _object(data)
    missing = [name for name in names if name not in found]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    return [found[name] for name in names]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _timestamp(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp, got {type(value).__name__}")
    return datetime.fromisoformat(value)


def _optional_timestamp(value: object) -> datetime | None:
    return None if value is None else _timestamp(value)


@dataclass(frozen=True)
class IntegrationConnection:
    id: str
    created_at: datetime
    integration_slug: str
    last_request_at: datetime | None
    last_successful_request_at: datetime | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        id_, created, slug, last, last_ok = _fields(
            data, "id", "createdAt", "integrationSlug", "lastRequestAt", "lastSuccessfulRequestAt"
        )
        return cls(
            _text(id_),
            _timestamp(created),
            _text(slug),
            _optional_timestamp(last),
            _optional_timestamp(last_ok),
        )


@dataclass(frozen=True)
class EndUser:
    id: str
    created_at: datetime
    company_name: str
    source_id: str
    email: str
    integration_connections: tuple[IntegrationConnection, ...] = ()

    @classmethod
    def from_api(cls, data: object) -> Self:
        id_, created, company, source, email, connections = _fields(
            data, "id", "createdAt", "companyName", "sourceId", "email", "integrationConnections"
        )
        if not isinstance(connections, list):
            raise ValueError("integrationConnections is not a list")
        return cls(
            _text(id_),
            _timestamp(created),
            _text(company),
            _text(source),
            _text(email),
            tuple(IntegrationConnection.from_api(c) for c in connections),
        )


@dataclass(frozen=True)
class DeletedEndUser:
    id: str
    deleted: bool

    @classmethod
    def from_api(cls, data: object) -> Self:
        id_, deleted = _fields(data, "id", "deleted")
        return cls(_text(id_), bool(deleted))


@dataclass(frozen=True)
class AuthSession:
    id: str
    created_at: datetime
    end_user_id: str
    expires_at: datetime
    redirect_url: str | None
    # Bearer credentials: whoever holds either can connect a company file to this end-user.
    client_secret: str = field(repr=False)
    auth_flow_url: str = field(repr=False)

    @classmethod
    def from_api(cls, data: object) -> Self:
        id_, created, end_user, secret, url, expires, redirect = _fields(
            data,
            "id",
            "createdAt",
            "endUserId",
            "clientSecret",
            "authFlowUrl",
            "expiresAt",
            "redirectUrl",
        )
        return cls(
            _text(id_),
            _timestamp(created),
            _text(end_user),
            _timestamp(expires),
            _optional_text(redirect),
            _text(secret),
            _text(url),
        )


@dataclass(frozen=True)
class HealthCheck:
    status: str
    duration_ms: int | None

    @classmethod
    def from_api(cls, data: object) -> Self:
        (status,) = _fields(data, "status")
        # Informational only: a duration that is not a whole number of ms is dropped, not fatal.
        duration = _object(data).get("duration")
        if not isinstance(duration, int) or isinstance(duration, bool):
            duration = None
        return cls(_text(status), duration)
