"""Bulk work over many owners for Codat: creating missing companies and refreshing connections
(the sync command and the admin actions). Rows are streamed and worked on by a bounded thread
pool (``core.bulk``); each owner is independent, so a failure is counted and the run goes on."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from ..core import bulk as core
from ..core.bulk import OnResult, Result
from .client import CodatClient, CodatError, Company
from .clients import get_client
from .connections import refresh_connections
from .outcomes import CodatProblem, Problem
from .provisioning import FindExisting, ProvisioningInProgress, ensure_company, failure_summary

logger = logging.getLogger("conductor_django.codat.bulk")


def _ignore(owner: Model, outcome: str, detail: Any) -> None:
    return None


class _Directory:
    """Codat's tagged companies by tag value, as listed once by the caller (the oldest of each,
    as any path adopting by tag would choose)."""

    def __init__(self, listed: Iterable[Company]) -> None:
        from .owners import tag_key

        self._by_value: dict[str, Company] = {}
        key = tag_key()
        for company in sorted(listed, key=lambda c: (c.created is None, c.created, c.id)):
            value = company.tags.get(key)
            if value is not None:
                self._by_value.setdefault(value, company)
        self._lock = threading.Lock()

    def __call__(self, value: str) -> Company | None:
        with self._lock:
            return self._by_value.get(value)


def create_company(
    owner: Model,
    client: CodatClient | None = None,
    find_existing: FindExisting | None = None,
    *,
    reconcile: bool = False,
) -> Result:
    """Create one owner's company: ``(outcome, detail)`` where outcome is ``created`` (detail:
    the company id), ``existing`` (it had one; detail: its id), ``in_progress`` (another worker
    is on it) or ``held`` (a create that may still complete at Codat holds new ones off), both
    with the ``ProvisioningInProgress`` as detail, or ``failed`` (detail: the ``CodatError``,
    logged here)."""
    existing = getattr(owner, "codat_company_id", None)
    if existing:
        return "existing", existing
    try:
        return "created", ensure_company(
            owner, client=client, find_existing=find_existing, reconcile=reconcile
        )
    except ProvisioningInProgress as exc:
        return ("held" if exc.held else "in_progress"), exc
    except CodatError as exc:
        logger.warning("%s", failure_summary(owner, exc))
        return "failed", exc


def refresh_owner(owner: Model) -> Result:
    """Refresh one owner's connections: ``(outcome, detail)`` where outcome is ``refreshed``
    (detail: the connections), ``in_progress`` (its company is being created; detail: the
    ``CodatProblem``) or ``failed`` (detail: the ``CodatProblem``, logged by the service)."""
    try:
        return "refreshed", refresh_connections(owner)
    except CodatProblem as problem:
        return ("in_progress" if problem.kind == Problem.SETTING_UP else "failed"), problem


def sync_companies(
    queryset: QuerySet[Any],
    *,
    concurrency: int = 4,
    on_result: OnResult[Any] = _ignore,
    listed: Iterable[Company] | None = None,
) -> Counter[str]:
    """Give every owner in the queryset that lacks one a Codat company (``create_company`` per
    row). ``listed``: Codat's tagged companies when the caller has listed them: owners whose
    company Codat already has adopt it without a create.

    Idempotent and resumable: rows that already have an id are skipped. Returns counts by
    outcome: created, failed, in_progress, held.
    """
    client = get_client()
    directory = _Directory(listed) if listed is not None else None
    pending = queryset.filter(codat_company_id__isnull=True)
    return core.run(
        pending,
        # With the listing at hand, looking the owner up first costs nothing: adopt, not create.
        lambda owner: create_company(
            owner, client=client, find_existing=directory, reconcile=directory is not None
        ),
        concurrency,
        on_result,
    )


def refresh_owners(
    queryset: QuerySet[Any], *, concurrency: int = 4, on_result: OnResult[Any] = _ignore
) -> Counter[str]:
    """``refresh_owner`` for every owner in the queryset that has a company; counts by outcome."""
    return core.run(
        queryset.filter(codat_company_id__isnull=False), refresh_owner, concurrency, on_result
    )
