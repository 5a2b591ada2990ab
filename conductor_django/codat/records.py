"""The owner's Codat connections as this app knows them (``CodatConnection`` rows), and the one
way facts reach them: ``apply`` for a connection as Codat described it at a moment,
``mark_deleted`` for one that is gone. Both send the status signals when a status changes.

Each row keeps ``fact_at``, the moment of the newest fact applied (when we asked Codat, or when
Codat generated an event): an older fact (a slow request's answer, a late webhook) never
overwrites a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext

from ..core.owners import owner_reference
from . import signals, snapshots
from .client import Connection, DataConnectionError
from .models import CodatConnection

Status = CodatConnection.Status


def of_owner(owner: Model) -> QuerySet[CodatConnection]:
    """The owner's connections that still exist, oldest first."""
    return CodatConnection.objects.filter(**owner_reference(owner), deleted_at__isnull=True)


def _latest_active(errors: tuple[DataConnectionError, ...]) -> DataConnectionError | None:
    active = [e for e in errors if (e.status or "Active") == "Active"]
    if not active:
        return None
    return max(active, key=lambda e: e.errored_on_utc.timestamp() if e.errored_on_utc else 0.0)


def error_words(record: CodatConnection) -> str:
    """The connection's last problem in words the user understands (in the current language), or
    ``""`` when it has none."""
    platform = record.platform_name or record.platform_key
    if record.status == Status.DEAUTHORIZED:
        text = gettext(
            "Access to %(platform)s was revoked or has expired. Reconnect it to resume syncing."
        )
        return text % {"platform": platform}
    if record.data_status_detail == "AuthError":
        text = gettext("%(platform)s no longer lets us read your data. Reconnect it to resume.")
        return text % {"platform": platform}
    if record.status == Status.LINKED and record.data_status == CodatConnection.DataStatus.FAILED:
        text = gettext("We could not read your data from %(platform)s. It will be tried again.")
        return text % {"platform": platform}
    if record.error_message and record.status != Status.LINKED:
        text = gettext("%(platform)s could not complete the connection: %(reason)s")
        return text % {"platform": platform, "reason": record.error_message}
    return ""


@dataclass(frozen=True)
class _Change:
    record: CodatConnection
    old_status: str | None
    new_status: str | None


def _send(owner: Model, change: _Change) -> None:
    if change.old_status == change.new_status:
        return
    record = change.record
    common = {
        "owner": owner,
        "provider": signals.PROVIDER,
        "company_id": record.company_id,
        "connection_id": record.connection_id,
        "platform_key": record.platform_key,
        "platform_name": record.platform_name,
    }
    signals.connection_status_changed.send(
        sender=owner.__class__,
        old_status=change.old_status,
        new_status=change.new_status,
        error_code=record.error_code,
        user_facing_message=error_words(record),
        **common,
    )
    if change.new_status == Status.LINKED:
        signals.connection_completed.send(sender=owner.__class__, **common)


def apply(
    owner: Model,
    company_id: str,
    connection: Connection,
    fact_at: datetime,
    *,
    offline_connector: bool | None = None,
) -> CodatConnection:
    """Record ``connection`` as Codat described it at ``fact_at``; returns the row. A fact older
    than the row's newest changes nothing."""
    error = _latest_active(connection.data_connection_errors)
    values: dict[str, Any] = {
        "company_id": company_id,
        "platform_name": connection.platform_name,
        "source_type": connection.source_type,
        "status": connection.status.value,
        "last_sync": connection.last_sync,
        "error_code": (error.status_code or "") if error else "",
        "error_message": ((error.status_text or error.error_message or "") if error else "")[:2000],
        "created_at": connection.created,
        "fact_at": fact_at,
    }
    if connection.integration_key:
        values["platform_key"] = connection.integration_key
    if offline_connector is not None:
        values["offline_connector"] = offline_connector
    with transaction.atomic():
        record, created = CodatConnection.objects.select_for_update().get_or_create(
            connection_id=connection.id,
            defaults={**owner_reference(owner), **values, "status_changed_at": fact_at},
        )
        if created:
            change = _Change(record, None, record.status)
        elif record.fact_at is not None and fact_at < record.fact_at:
            return record
        else:
            old_status = None if record.deleted_at else record.status
            for name, value in values.items():
                setattr(record, name, value)
            if old_status != record.status:
                record.status_changed_at = fact_at
            # Codat still has it: a tombstone from an older listing does not hold.
            record.deleted_at = None
            record.save()
            change = _Change(record, old_status, record.status)
        snapshots.changed_row(record)
    _send(owner, change)
    return record


def mark_deleted(owner: Model, record: CodatConnection, fact_at: datetime) -> None:
    """Record that Codat no longer has the connection (deleted here, in the Portal, or with its
    company); the row stays as a tombstone, so a late fact cannot bring it back."""
    with transaction.atomic():
        current = CodatConnection.objects.select_for_update().filter(pk=record.pk).first()
        if current is None or current.deleted_at is not None:
            return
        if current.fact_at is not None and fact_at < current.fact_at:
            return
        current.deleted_at = fact_at
        current.fact_at = fact_at
        current.status_changed_at = fact_at
        current.save(update_fields=["deleted_at", "fact_at", "status_changed_at"])
        snapshots.changed_row(current)
    record.deleted_at = fact_at
    _send(owner, _Change(current, current.status, None))
