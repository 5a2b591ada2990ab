"""What each stored event changes: the recorded connection (through ``records``, so the status
signals fire with the provider named, once per change, and an older event never overwrites a
newer fact), the link history, and the data status of a first sync.

Every event is processed with its ``generatedDate`` as the moment of the fact. Processing again
(a replay from the admin, two workers) changes nothing more: the same fact applied twice finds
the status it sets already there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from ...core.logs import owner_label
from .. import data_status, missing, records
from ..client import Connection, DataStatus
from ..models import CodatConnection, CodatLink
from ..owners import owner_for_company
from . import events
from .models import CodatWebhookEvent

logger = logging.getLogger("conductor_django.codat.webhooks")
Status = CodatWebhookEvent.Status
# The stored payload has no bearer link; the parser requires the field, nothing here reads it.
DROPPED_LINK = "(not kept)"
# Applying one event takes milliseconds: one claimed this long after it arrived and still not
# applied will not be by that claim.
STALE_CLAIM = timedelta(minutes=10)


class Unreadable(ValueError):
    """The event is Codat's (signed) but its payload cannot be read."""


Outcome = tuple[str, str]


def process(event: CodatWebhookEvent) -> str:
    """Apply ``event`` (again, for a replay) and record the outcome on its row; returns the
    row's new status."""
    CodatWebhookEvent.objects.filter(pk=event.pk).update(attempts=F("attempts") + 1)
    return _record(event)


def process_received(limit: int = 100) -> int:
    """Apply up to ``limit`` stored events still waiting, oldest fact first; returns how many
    this call applied (0: none was waiting).

    Each event is claimed by moving its ``attempts`` on from the value read, so two callers at
    once never apply one event. An event claimed but still ``received`` ``STALE_CLAIM`` after
    it arrived lost its worker while being applied, and is claimed again (applying an event
    twice changes nothing more).
    """
    waiting = CodatWebhookEvent.objects.filter(status=Status.RECEIVED).filter(
        Q(attempts=0) | Q(received_at__lt=timezone.now() - STALE_CLAIM)
    )
    applied = 0
    for event in waiting.order_by("generated_at", "pk")[:limit]:
        claimed = CodatWebhookEvent.objects.filter(
            pk=event.pk, status=Status.RECEIVED, attempts=event.attempts
        ).update(attempts=event.attempts + 1)
        if claimed:
            _record(event)
            applied += 1
    return applied


def _record(event: CodatWebhookEvent) -> str:
    try:
        status, outcome = _apply(event)
    except Unreadable as exc:
        status, outcome = Status.FAILED, f"Codat's event could not be read: {exc}"
        logger.warning(
            "Could not process Codat webhook event %s (%s): %s.",
            event.webhook_id,
            event.event_type,
            outcome,
        )
    except Exception as exc:
        # A bug or a database outage: kept with its traceback, and the event can be replayed.
        logger.exception("Processing Codat webhook event %s failed", event.webhook_id)
        status, outcome = Status.FAILED, f"{type(exc).__name__}: {exc}"[:1000]
    CodatWebhookEvent.objects.filter(pk=event.pk).update(
        status=status, outcome=outcome, processed_at=timezone.now()
    )
    event.status, event.outcome = status, outcome
    return status


def _apply(event: CodatWebhookEvent) -> Outcome:
    handler = HANDLERS.get(event.event_type)
    if handler is None:
        return Status.IGNORED, f"Nothing to record for {event.event_type} events."
    owner = owner_for_company(event.company_id) if event.company_id else None
    if owner is None:
        logger.info(
            "Codat webhook event %s (%s) is about company %s, which no owner has; acknowledged.",
            event.webhook_id,
            event.event_type,
            event.company_id or "(none)",
        )
        return Status.IGNORED, f"No owner has company {event.company_id or '(none)'}."
    return handler(owner, event)


def _connection(event: CodatWebhookEvent) -> Connection:
    data = event.payload.get("connection")
    if not isinstance(data, dict):
        raise Unreadable("the payload has no connection")
    try:
        return Connection.from_api({**data, "linkUrl": DROPPED_LINK})
    except ValueError as exc:
        raise Unreadable(str(exc)) from None


def _connection_event(owner: Model, event: CodatWebhookEvent) -> Outcome:
    connection = _connection(event)
    before = CodatConnection.objects.filter(connection_id=connection.id).first()
    if event.event_type == events.CONNECTION_DELETED:
        records.forget_connection(owner, event.company_id, connection, event.generated_at)
    else:
        record = records.apply(owner, event.company_id, connection, event.generated_at)
        if record.fact_at == event.generated_at and connection.status.value == "Linked":
            _completed(connection.id, event.generated_at)
    return Status.PROCESSED, _what_changed(owner, before, connection.id, event.generated_at)


def _what_changed(
    owner: Model, before: CodatConnection | None, connection_id: str, at: datetime
) -> str:
    if before is not None and before.fact_at is not None and at < before.fact_at:
        return "Older than the recorded state: nothing changed."
    after = CodatConnection.objects.get(connection_id=connection_id)
    old = "new" if before is None else ("deleted" if before.deleted_at else before.status)
    new = "deleted" if after.deleted_at else after.status
    if old == new:
        return f"Connection {connection_id} of {owner_label(owner)} still {new}."
    return f"Connection {connection_id} of {owner_label(owner)}: {old} → {new}."


def _completed(connection_id: str, at: datetime) -> None:
    """The newest link started for the connection was completed (the user may never have come
    back through the redirect)."""
    link = (
        CodatLink.objects.filter(connection_id=connection_id, completed_at__isnull=True)
        .filter(created_at__lte=at)
        .first()
    )
    if link is not None:
        CodatLink.objects.filter(pk=link.pk).update(completed_at=at)


def _company_deleted(owner: Model, event: CodatWebhookEvent) -> Outcome:
    if missing.forget(owner, event.company_id):
        return Status.PROCESSED, f"{owner_label(owner)} no longer has company {event.company_id}."
    return Status.PROCESSED, "The company was already forgotten."


def _read_completed(owner: Model, event: CodatWebhookEvent) -> Outcome:
    entries = event.payload.get("dataTypes")
    if not isinstance(entries, list):
        raise Unreadable("the payload has no dataTypes list")
    by_connection: dict[str, dict[str, DataStatus]] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise Unreadable("a dataTypes entry is not an object")
        connection_id, data_type = entry.get("connectionId"), entry.get("dataType")
        status = entry.get("status")
        if not (isinstance(connection_id, str) and isinstance(data_type, str)):
            raise Unreadable("a dataTypes entry has no connectionId or dataType")
        by_connection.setdefault(connection_id, {})[data_type] = DataStatus(
            data_type=data_type,
            current_status=status if isinstance(status, str) else "Complete",
            last_successful_sync=None,
            latest_sync_id=None,
            latest_successful_sync_id=None,
        )
    updated = 0
    for connection_id, statuses in by_connection.items():
        updated += _data_status(owner, connection_id, statuses, event.generated_at)
    return Status.PROCESSED, f"Data status of {updated} connection(s) recorded."


def _data_status(
    owner: Model, connection_id: str, statuses: dict[str, DataStatus], at: datetime
) -> int:
    with transaction.atomic():
        record = (
            records.of_owner(owner).select_for_update().filter(connection_id=connection_id).first()
        )
        if record is None or (record.data_checked_at and at < record.data_checked_at):
            return 0
        data_status.apply([record], statuses, at)
    return 1


Handler = Callable[[Model, CodatWebhookEvent], Outcome]
HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(events.CONNECTION_EVENTS, _connection_event),
    events.COMPANY_DELETED: _company_deleted,
    **dict.fromkeys(events.READ_EVENTS, _read_completed),
}
