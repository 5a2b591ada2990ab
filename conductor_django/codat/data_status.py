"""The first sync after linking, summed up per connection: queued, fetching, complete, failed.

Codat reports ``GET /companies/{id}/dataStatus`` per data type, for the whole company. Its
banking and commerce types are prefixed (``banking-accounts``, ``commerce-orders``); the others
are accounting's. A connection's summary is that of its source type's data types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext

from . import snapshots
from .client import DatasetStatus, DataStatus
from .models import CodatConnection

State = CodatConnection.DataStatus

FAILED = frozenset(
    {
        DatasetStatus.FETCH_ERROR,
        DatasetStatus.MAP_ERROR,
        DatasetStatus.INTERNAL_ERROR,
        DatasetStatus.PROCESSING_ERROR,
        DatasetStatus.VALIDATION_ERROR,
        DatasetStatus.AUTH_ERROR,
        DatasetStatus.PERMISSIONS_ERROR,
    }
)
RUNNING = frozenset(
    {
        DatasetStatus.FETCHING,
        DatasetStatus.MAP_QUEUED,
        DatasetStatus.MAPPING,
        DatasetStatus.PROCESSING_QUEUED,
        DatasetStatus.PROCESSING,
        DatasetStatus.VALIDATION_QUEUED,
        DatasetStatus.VALIDATING,
        # Codat waits and tries again: still on its way.
        DatasetStatus.RATE_LIMIT_ERROR,
    }
)
WAITING = frozenset({DatasetStatus.INITIAL, DatasetStatus.QUEUED})
PREFIXES = {"banking-": "Banking", "commerce-": "Commerce"}


def source_type_of(data_type: str) -> str:
    for prefix, source_type in PREFIXES.items():
        if data_type.startswith(prefix):
            return source_type
    return "Accounting"


@dataclass(frozen=True)
class Summary:
    """One connection's data status: ``state`` (a ``CodatConnection.DataStatus`` value, or
    ``""`` when Codat reports nothing yet) and ``detail``, Codat's status that decided it."""

    state: str
    detail: str


def summarize(statuses: Iterable[DataStatus]) -> Summary:
    found = list(statuses)
    values = {s.current_status for s in found}
    if DatasetStatus.AUTH_ERROR in values:
        return Summary(State.FAILED, DatasetStatus.AUTH_ERROR)
    for status in found:
        if status.current_status in FAILED:
            return Summary(State.FAILED, status.current_status)
    for status in found:
        if status.current_status in RUNNING:
            return Summary(State.FETCHING, status.current_status)
    for status in found:
        if status.current_status in WAITING:
            return Summary(State.QUEUED, status.current_status)
    if DatasetStatus.COMPLETE in values:
        return Summary(State.COMPLETE, DatasetStatus.COMPLETE)
    return Summary("", "")


def for_source_type(statuses: Mapping[str, DataStatus], source_type: str) -> Summary:
    return summarize(s for key, s in statuses.items() if source_type_of(key) == source_type)


def apply(
    records: Iterable[CodatConnection], statuses: Mapping[str, DataStatus], at: datetime
) -> None:
    """Store each Linked connection's summary (the others have no sync to speak of)."""
    for record in records:
        if record.status != CodatConnection.Status.LINKED or record.deleted_at is not None:
            continue
        summary = for_source_type(statuses, record.source_type or "Accounting")
        CodatConnection.objects.filter(pk=record.pk).update(
            data_status=summary.state, data_status_detail=summary.detail, data_checked_at=at
        )
        snapshots.changed_row(record)
        record.data_status, record.data_status_detail = summary.state, summary.detail
        record.data_checked_at = at


def words(record: CodatConnection) -> str:
    """The data status in words the user understands, or ``""`` when there is nothing to say."""
    platform = record.platform_name or record.platform_key
    if record.waiting_for_connector:
        text = gettext(
            "Waiting for the connector on your computer: open %(platform)s with Codat's "
            "connector running, and the first sync starts on its own."
        )
    elif record.data_status == State.QUEUED:
        text = gettext("The first sync of your %(platform)s data will start shortly.")
    elif record.data_status == State.FETCHING:
        text = gettext("Reading your %(platform)s data…")
    elif record.data_status == State.COMPLETE:
        text = gettext("Your %(platform)s data is up to date.")
    elif record.data_status == State.FAILED and record.data_status_detail == "AuthError":
        text = gettext("%(platform)s no longer lets us read your data. Reconnect it to resume.")
    elif record.data_status == State.FAILED:
        text = gettext("We could not read your data from %(platform)s. It will be tried again.")
    else:
        return ""
    return text % {"platform": platform}
