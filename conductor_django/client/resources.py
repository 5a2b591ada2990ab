"""Typed views of Conductor's JSON objects.

``from_api`` raises ``ValueError`` on a body that lacks a documented field, so the client can
turn a malformed success body into ``InvalidResponseError`` instead of passing half an object on.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime


def format_timestamp(moment):
    """Conductor's timestamp format: UTC, milliseconds, ``Z`` (``2024-01-01T12:34:56.789Z``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _timestamp(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp, got {type(value).__name__}")
    return datetime.fromisoformat(value)


def _fields(data, *names):
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    missing = [name for name in names if name not in data]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    return [data[name] for name in names]


@dataclass(frozen=True)
class IntegrationConnection:
    id: str
    created_at: datetime
    integration_slug: str
    last_request_at: datetime | None
    last_successful_request_at: datetime | None

    @classmethod
    def from_api(cls, data):
        id_, created, slug, last, last_ok = _fields(
            data, "id", "createdAt", "integrationSlug", "lastRequestAt", "lastSuccessfulRequestAt"
        )
        return cls(id_, _timestamp(created), slug, _timestamp(last), _timestamp(last_ok))


@dataclass(frozen=True)
class EndUser:
    id: str
    created_at: datetime
    company_name: str
    source_id: str
    email: str
    integration_connections: tuple[IntegrationConnection, ...] = ()

    @classmethod
    def from_api(cls, data):
        id_, created, company, source, email, connections = _fields(
            data, "id", "createdAt", "companyName", "sourceId", "email", "integrationConnections"
        )
        if not isinstance(connections, list):
            raise ValueError("integrationConnections is not a list")
        return cls(
            id_,
            _timestamp(created),
            company,
            source,
            email,
            tuple(IntegrationConnection.from_api(c) for c in connections),
        )


@dataclass(frozen=True)
class DeletedEndUser:
    id: str
    deleted: bool

    @classmethod
    def from_api(cls, data):
        id_, deleted = _fields(data, "id", "deleted")
        return cls(id_, bool(deleted))


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
    def from_api(cls, data):
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
        return cls(id_, _timestamp(created), end_user, _timestamp(expires), redirect, secret, url)


@dataclass(frozen=True)
class HealthCheck:
    status: str
    duration_ms: int | None

    @classmethod
    def from_api(cls, data):
        (status,) = _fields(data, "status")
        return cls(status, data.get("duration"))
