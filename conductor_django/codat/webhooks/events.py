"""What a verified delivery's body says: Codat's event envelope, read leniently (a field Codat
adds later is kept; a missing one we can do without is tolerated) but never blindly: a body
that is not a JSON object with an ``eventType`` and a ``payload`` object is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..client._fields import timestamp

CONNECTION_CREATED = "connection.created"
CONNECTION_CONNECTED = "connection.connected"
CONNECTION_DISCONNECTED = "connection.disconnected"
CONNECTION_RECONNECTED = "connection.reconnected"
CONNECTION_FAILED = "connection.failed"
CONNECTION_DELETED = "connection.deleted"
COMPANY_DELETED = "company.deleted"
READ_COMPLETED_INITIAL = "read.completed.initial"
READ_COMPLETED = "read.completed"
CONNECTION_EVENTS = frozenset(
    {
        CONNECTION_CREATED,
        CONNECTION_CONNECTED,
        CONNECTION_DISCONNECTED,
        CONNECTION_RECONNECTED,
        CONNECTION_FAILED,
        CONNECTION_DELETED,
    }
)
READ_EVENTS = frozenset({READ_COMPLETED_INITIAL, READ_COMPLETED})
# Bearer links anywhere in a payload: whoever holds one can authorize the company's data.
SECRET_KEYS = frozenset({"linkUrl", "redirect"})


class NotAnEvent(ValueError):
    """The body is not a Codat event; the message says why (never the body)."""


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    generated_at: datetime | None
    company_id: str
    connection_id: str
    payload: dict[str, Any]


def parse(body: bytes) -> Event:
    try:
        data = json.loads(body)
    except ValueError:
        raise NotAnEvent("the body is not JSON") from None
    if not isinstance(data, dict):
        raise NotAnEvent("the body is not a JSON object")
    event_type = data.get("eventType")
    payload = data.get("payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise NotAnEvent("the body has no eventType or no payload object")
    try:
        generated_at = timestamp(data, "generatedDate")
    except ValueError:
        generated_at = None
    return Event(
        event_id=_text(data.get("id")),
        event_type=event_type[:100],
        generated_at=generated_at,
        company_id=company_of(event_type, payload)[:100],
        connection_id=connection_of(payload)[:100],
        payload=without_secrets(payload),
    )


def company_of(event_type: str, payload: dict[str, Any]) -> str:
    reference = payload.get("referenceCompany")
    if isinstance(reference, dict) and reference.get("id"):
        return _text(reference["id"])
    connection = payload.get("connection")
    if isinstance(connection, dict):
        company = _text(connection.get("companyId"))
        if company:
            return company
    # company.* events carry the company itself.
    return _text(payload.get("id")) if event_type.startswith("company.") else ""


def connection_of(payload: dict[str, Any]) -> str:
    connection = payload.get("connection")
    return _text(connection.get("id")) if isinstance(connection, dict) else ""


def without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if k not in SECRET_KEYS}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
