"""The first sync after linking, and ``GET /companies/{id}/dataStatus``.

Linking (or relinking) queues a sync: ``Queued`` for ``SandboxConfig.sync_queued_seconds``, then
``Fetching`` for ``sync_fetching_seconds``, then the connection's ``sync_outcome`` (``Complete``
by default; ``FetchError`` or ``AuthError`` on request). An offline connector (QuickBooks
Desktop) stays ``Queued`` until ``connector_online`` is switched on, as Codat's does until the
connector on the user's PC is running. A revoke turns the data status to ``AuthError``.

Time is evaluated lazily: ``advance()`` runs on every sandbox request, on every
``deliver_pending`` and in the webhook thread, so a sync finishes even when nobody reads it. A
finished first sync sends ``read.completed.initial``; later ones ``read.completed``. Each
transition is a conditional update, so two threads never finish one sync twice.
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import catalog, shapes
from . import serialize, webhooks
from .models import Company, Connection, SandboxConfig, new_guid

IN_PROGRESS = (catalog.QUEUED, catalog.FETCHING)
# What ``start`` sets, for the caller's ``save(update_fields=...)``.
START_FIELDS = ("sync_status", "sync_queued_at", "sync_fetching_at", "latest_sync_id")


def start(connection: Connection, now: datetime | None = None) -> None:
    """Queue a sync of ``connection`` (saved by the caller)."""
    connection.sync_status = catalog.QUEUED
    connection.sync_queued_at = now or timezone.now()
    connection.sync_fetching_at = None
    connection.latest_sync_id = new_guid()


def _waiting_for_connector(connection: Connection) -> bool:
    return connection.integration.is_offline_connector and not connection.connector_online


def _moved(connection: Connection, old_status: str, **fields: Any) -> bool:
    """Apply ``fields`` only if the sync is still in ``old_status`` (another thread may have
    moved it); keep the instance in step."""
    updated = Connection.objects.filter(
        pk=connection.pk, sync_status=old_status, latest_sync_id=connection.latest_sync_id
    ).update(**fields)
    if updated:
        for name, value in fields.items():
            setattr(connection, name, value)
    return bool(updated)


def _finish(connection: Connection, now: datetime) -> None:
    outcome = connection.sync_outcome or catalog.COMPLETE
    fields: dict[str, Any] = {"sync_status": outcome}
    if outcome == catalog.COMPLETE:
        fields.update(
            latest_successful_sync_id=connection.latest_sync_id,
            last_successful_sync_at=now,
            last_sync_at=now,
        )
    initial = not connection.initial_read_done
    fields["initial_read_done"] = True
    with transaction.atomic():
        if not _moved(connection, catalog.FETCHING, **fields):
            return
        company = connection.company
        data_types = catalog.DATA_TYPES.get(connection.integration.source_type, ())
        webhooks.enqueue(
            catalog.READ_COMPLETED_INITIAL if initial else catalog.READ_COMPLETED,
            {
                "referenceCompany": serialize.reference_company(company),
                "modifiedFromDate": shapes.timestamp(now),
                "dataTypes": [
                    {
                        "connectionId": connection.id,
                        "dataType": data_type,
                        "recordsModified": outcome == catalog.COMPLETE,
                        "status": outcome,
                    }
                    for data_type in data_types
                ],
            },
            company_id=company.id,
            connection_id=connection.id,
        )


def _due(entered_at: datetime | None, seconds: float) -> datetime:
    # A sync in progress always has the time it entered its state: start() and step() set it.
    assert entered_at is not None
    return entered_at + timedelta(seconds=seconds)


def step(connection: Connection, now: datetime | None = None, *, force: bool = False) -> bool:
    """Move the sync on as far as time allows (``force``: exactly one state, now). Returns
    whether it moved."""
    now = now or timezone.now()
    config = SandboxConfig.load()
    moved = False
    if connection.sync_status == catalog.QUEUED and not _waiting_for_connector(connection):
        due = _due(connection.sync_queued_at, config.sync_queued_seconds)
        if force or due <= now:
            # An offline connector that came online late starts fetching when it is seen.
            fetching_at = now if force or connection.integration.is_offline_connector else due
            moved = _moved(
                connection,
                catalog.QUEUED,
                sync_status=catalog.FETCHING,
                sync_fetching_at=fetching_at,
            )
            if force:
                return moved
    if connection.sync_status == catalog.FETCHING:
        due = _due(connection.sync_fetching_at, config.sync_fetching_seconds)
        if force or due <= now:
            _finish(connection, now)
            moved = True
    return moved


def advance(now: datetime | None = None) -> None:
    """Move every sync in progress on."""
    now = now or timezone.now()
    for connection in Connection.objects.filter(sync_status__in=IN_PROGRESS).select_related(
        "company"
    ):
        step(connection, now)


def next_due() -> datetime | None:
    """When the next time-based transition is due (None: none is waiting on time)."""
    config = SandboxConfig.load()
    times = []
    for connection in Connection.objects.filter(sync_status__in=IN_PROGRESS):
        if connection.sync_status == catalog.QUEUED and not _waiting_for_connector(connection):
            times.append(_due(connection.sync_queued_at, config.sync_queued_seconds))
        elif connection.sync_status == catalog.FETCHING:
            times.append(_due(connection.sync_fetching_at, config.sync_fetching_seconds))
    return min(times) if times else None


def data_status(company: Company) -> dict[str, Any]:
    """The company's ``dataStatus`` map: every data type of every connection that has synced
    (later connections win a shared type, as a relinked source replaces the data)."""
    advance()
    result: dict[str, Any] = {}
    for connection in company.connections.exclude(sync_status=""):
        for data_type in catalog.DATA_TYPES.get(connection.integration.source_type, ()):
            result[data_type] = shapes.data_status_json(
                data_type,
                connection.sync_status,
                latest_sync_id=connection.latest_sync_id,
                latest_successful_sync_id=connection.latest_successful_sync_id,
                last_successful_sync=connection.last_successful_sync_at,
            )
    return result
