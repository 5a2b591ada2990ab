"""Bulk work over many owners: creating missing end-users and refreshing connection statuses.

Used by the management commands and the admin actions. Rows are streamed and worked on by a
bounded thread pool (``core.bulk``); each owner is independent, so a failure is counted and the
run goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from . import connection
from .client import ConductorClient, ConductorError, EndUser
from .clients import get_client
from .core import bulk as core
from .core.bulk import OnResult, Result
from .logs import describe, owner_label
from .provisioning import FindExisting, ProvisioningInProgress, ensure_end_user, failure_summary

logger = logging.getLogger("conductor_django.bulk")


def _ignore(owner: Model, outcome: str, detail: Any) -> None:
    return None


class _Directory:
    """Conductor's end-users by ``sourceId``, listed once on first need (GET /end-users has no
    filter, so one listing serves every row of the run), or given when the caller has listed."""

    def __init__(self, client: ConductorClient, listed: Iterable[EndUser] | None = None) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._by_source = None if listed is None else self._index(listed)

    @staticmethod
    def _index(listed: Iterable[EndUser]) -> dict[str, EndUser]:
        by_source: dict[str, EndUser] = {}
        for user in sorted(listed, key=lambda u: u.created_at):
            by_source.setdefault(user.source_id, user)
        return by_source

    def __call__(self, source_id: str) -> EndUser | None:
        with self._lock:
            if self._by_source is None:
                self._by_source = self._index(self._client.list_end_users())
        return self._by_source.get(source_id)


def create_end_user(
    owner: Model,
    client: ConductorClient | None = None,
    find_existing: FindExisting | None = None,
) -> Result:
    """Create one owner's end-user: ``(outcome, detail)`` where outcome is ``created`` (detail:
    the end-user id), ``existing`` (it had one; detail: its id), ``in_progress`` (another worker
    is on it) or ``held`` (a create that may still complete at Conductor holds new ones off),
    both with the ``ProvisioningInProgress`` as detail, or ``failed`` (detail: the
    ``ConductorError``, logged here)."""
    existing = getattr(owner, "conductor_end_user_id", None)
    if existing:
        return "existing", existing
    try:
        return "created", ensure_end_user(owner, client=client, find_existing=find_existing)
    except ProvisioningInProgress as exc:
        return ("held" if exc.held else "in_progress"), exc
    except ConductorError as exc:
        logger.warning("%s", failure_summary(owner, exc))
        return "failed", exc


def check_owner(owner: Model) -> Result:
    """Health-check one owner: ``(outcome, detail)`` where outcome is the recorded status
    (detail: the ``ConnectionStatus``), ``in_progress`` (detail: the
    ``ProvisioningInProgress``) or ``failed`` (detail: the error, logged here)."""
    try:
        status = connection.check(owner)
    except ProvisioningInProgress as exc:
        return "in_progress", exc
    except ConductorError as exc:
        logger.warning(
            "Could not check the QuickBooks connection of %s: %s.",
            owner_label(owner),
            describe(exc),
        )
        return "failed", exc
    return str(status.status), status


def sync_end_users(
    queryset: QuerySet[Any],
    *,
    concurrency: int = 4,
    on_result: OnResult[Any] = _ignore,
    listed: Iterable[EndUser] | None = None,
) -> Counter[str]:
    """Give every owner in the queryset that lacks one a Conductor end-user (``create_end_user``
    per row). ``listed``: Conductor's end-users, when the caller has listed them already.

    Idempotent and resumable: rows that already have an id are skipped, so a rerun picks up
    where an interrupted one stopped. Returns counts by outcome: created, failed, in_progress,
    held.
    """
    client = get_client()
    directory = _Directory(client, listed)
    pending = queryset.filter(conductor_end_user_id__isnull=True)
    return core.run(
        pending,
        lambda owner: create_end_user(owner, client=client, find_existing=directory),
        concurrency,
        on_result,
    )


def check_connections(
    queryset: QuerySet[Any], *, concurrency: int = 4, on_result: OnResult[Any] = _ignore
) -> Counter[str]:
    """Run ``check_owner`` for every owner in the queryset; counts by outcome.

    QuickBooks serves one request per company file at a time, and each owner is checked once,
    so concurrency across owners never queues requests for one end-user.
    """
    return core.run(queryset, check_owner, concurrency, on_result)
