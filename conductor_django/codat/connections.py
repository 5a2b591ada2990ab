"""The owner's Codat connections: read from the records (no network), refreshed from Codat
(single flight per owner), created or reused for a platform, sent to Link again, unlinked,
deleted. Every failure is a ``CodatProblem`` (``outcomes``), never Codat's own error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import BaseCache, caches
from django.db.models import Model
from django.utils import timezone

from ..core import readahead
from ..core.flight import FlightFailed, single_flight
from ..core.logs import owner_label
from ..core.owners import owner_key, require_owner, stored_value
from . import data_status, integrations, missing, records, snapshots
from .client import CodatClient, CodatError, Connection, SourceType, errors
from .clients import get_client
from .conf import codat_settings
from .models import CodatConnection, CodatLink
from .outcomes import (
    CodatProblem,
    ConnectionStarted,
    Problem,
    ReplaceAction,
    Replacement,
)
from .problems import problems
from .provisioning import ensure_company

logger = logging.getLogger("conductor_django.codat.services")
Status = CodatConnection.Status
# Long enough for the slowest refresh (a list, a data status, their retries).
REFRESH_SECONDS = 60.0
# Which of one platform's connections Link should see again, best first.
_REUSE_ORDER = (Status.LINKED, Status.DEAUTHORIZED, Status.PENDING_AUTH, Status.UNLINKED)


def _require(owner: Model) -> None:
    require_owner(owner, gets="no Codat company")


def list_connections(owner: Model) -> list[CodatConnection]:
    """The owner's connections as last recorded, oldest first, without a network call."""
    _require(owner)
    return list(records.of_owner(owner))


def company_id(owner: Model) -> str:
    """The owner's Codat company id, creating the company if it has none (lazily, as a page
    does). Raises ``CodatProblem`` (``SETTING_UP`` with ``retry_at`` while it is being
    created)."""
    with problems(owner, "create the company"):
        return ensure_company(owner)


def _stored_company(owner: Model) -> str | None:
    value: str | None = stored_value(owner.__class__, owner.pk, "codat_company_id")
    return value


def _cache() -> BaseCache:
    return caches[codat_settings.CACHE_ALIAS]


def _refreshed_key(owner: Model) -> str:
    return f"conductor_codat:refreshed:{owner_key(owner)}"


def page_cache_keys(owner: Model) -> list[str]:
    """What a warm ``refresh_connections(owner, max_age=…)`` reads, for a page's
    ``read_ahead``."""
    return [_refreshed_key(owner), *snapshots.cache_keys(owner)]


@dataclass
class _Listed:
    """One refresh's findings: each connection's row, with Codat's own description of it."""

    rows: dict[str, CodatConnection]
    connections: dict[str, Connection]


def _offline_keys() -> set[str] | None:
    """The offline-connector platforms, from the cached integration list only (no call)."""
    entry = _cache().get(integrations._key(codat_settings.source_types))
    if entry is None:
        return None
    return {p.key for p in entry["platforms"] if p.offline_connector}


def _sync(owner: Model, company: str, client: CodatClient) -> _Listed:
    """Ask Codat for the company's connections (and, when one is Linked, its data status) and
    record what it says."""
    asked_at = timezone.now()
    listed = list(client.iter_connections(company))
    offline = _offline_keys()
    found = _Listed({}, {})
    for connection in listed:
        flag = None if offline is None else (connection.integration_key or "") in offline
        row = records.apply(owner, company, connection, asked_at, offline_connector=flag)
        found.rows[connection.id] = row
        found.connections[connection.id] = connection
    for row in records.of_owner(owner).filter(company_id=company):
        if row.connection_id not in found.rows:
            records.mark_deleted(owner, row, asked_at)
    linked = [row for row in found.rows.values() if row.status == Status.LINKED]
    if linked:
        try:
            statuses = client.get_data_status(company)
        except CodatError as exc:
            # The connections are known; their sync's progress can wait for the next refresh.
            logger.info("No data status for %s this time: %s", owner_label(owner), exc)
        else:
            data_status.apply(linked, statuses, asked_at)
    # When it finished: callers that asked while it ran take its result (single flight).
    _cache().set(_refreshed_key(owner), timezone.now().timestamp(), REFRESH_SECONDS * 60)
    return found


def _sync_or_replace(owner: Model, client: CodatClient) -> tuple[str, _Listed]:
    """``_sync`` of the owner's company, replacing it once if Codat confirms it is gone."""
    company = ensure_company(owner, client=client)
    try:
        return company, _sync(owner, company, client)
    except errors.NotFoundError as exc:
        missing.confirm(owner, company, exc, client)
        missing.forget(owner, company)
    company = ensure_company(owner, client=client, reconcile=True)
    return company, _sync(owner, company, client)


def refresh_connections(owner: Model, *, max_age: float = 0) -> list[CodatConnection]:
    """The owner's connections as Codat has them now (or as a refresh no older than
    ``max_age`` seconds found them), recorded, with the status signals sent for each change.

    Concurrent refreshes of one owner make one round of calls: the others wait for its result
    through the cache (``CODAT["CACHE_ALIAS"]``; share it between processes). Creates the
    company first if the owner has none, and another once if Codat confirms it lost the stored
    one. Raises ``CodatProblem``.
    """
    _require(owner)
    asked_at = timezone.now()
    if max_age and _refreshed_since(owner, asked_at - timedelta(seconds=max_age)):
        # Recent enough: the rows as recorded, from the cache while no write changed them.
        return snapshots.of_owner(owner)

    def compute() -> list[CodatConnection]:
        with problems(owner, "list the connections"):
            _sync_or_replace(owner, get_client())
        return list_connections(owner)

    def shared() -> list[CodatConnection] | None:
        return list_connections(owner) if _refreshed_since(owner, asked_at) else None

    try:
        return single_flight(
            _cache(),
            f"conductor_codat:refresh:{owner_key(owner)}",
            hold_seconds=REFRESH_SECONDS,
            compute=compute,
            shared=shared,
        )
    except FlightFailed:
        # The refresh we waited for failed: asking Codat again from every waiter would not help.
        raise CodatProblem(Problem.UNAVAILABLE) from None


def _refreshed_since(owner: Model, moment: datetime) -> bool:
    at = readahead.get(_cache(), _refreshed_key(owner))
    return at is not None and at >= moment.timestamp()


def _history(
    owner: Model, row: CodatConnection, *, issued_by: Any, reason: str, reused: bool
) -> None:
    CodatLink.objects.create(
        owner_type=row.owner_type,
        owner_id=row.owner_id,
        company_id=row.company_id,
        connection_id=row.connection_id,
        platform_key=row.platform_key,
        platform_name=row.platform_name,
        issued_by=issued_by if getattr(issued_by, "pk", None) else None,
        reason=reason,
        reused=reused,
        created_at=timezone.now(),
    )


def _reusable(listed: _Listed, platform_key: str, accounting: bool) -> CodatConnection | None:
    """A connection of this platform to send to Link again rather than create another: a
    pending one; for accounting (one per company), any."""
    same = [r for r in listed.rows.values() if r.platform_key == platform_key]
    wanted = _REUSE_ORDER if accounting else (Status.PENDING_AUTH,)
    for status in wanted:
        for row in same:
            if row.status == status:
                return row
    return None


def _blocking(listed: _Listed, platform_key: str) -> Replacement | None:
    """The company's accounting connection to another platform that Codat would not let a new
    one sit beside (Linked or Deauthorized), and what replacing it does."""
    for row in listed.rows.values():
        if (
            row.is_accounting
            and row.platform_key != platform_key
            and row.status in (Status.LINKED, Status.DEAUTHORIZED)
        ):
            action = ReplaceAction.UNLINK if row.status == Status.LINKED else ReplaceAction.DELETE
            return Replacement(row, action)
    return None


def _replace(owner: Model, plan: Replacement, client: CodatClient) -> CodatConnection:
    old = plan.existing
    if plan.action == ReplaceAction.UNLINK:
        unlinked = client.unlink_connection(old.company_id, old.connection_id)
        return records.apply(owner, old.company_id, unlinked, timezone.now())
    try:
        client.delete_connection(old.company_id, old.connection_id)
    except errors.NotFoundError:
        pass
    records.mark_deleted(owner, old, timezone.now())
    return old


def start_connection(
    owner: Model,
    platform_key: str,
    *,
    replace: bool = False,
    issued_by: Any = None,
    reason: str = CodatLink.Reason.PAGE,
) -> ConnectionStarted:
    """A connection to ``platform_key`` ready for Link: the same platform's pending connection
    when there is one (for accounting, any of its connections: Link relinks it) rather than a
    duplicate, else a new one. Creates the company first if the owner has none.

    Codat allows one accounting connection per company: with another platform's Linked or
    Deauthorized one in place, raises ``CodatProblem(ACCOUNTING_CONNECTED)`` whose
    ``replacement`` says what replacing it does; with ``replace=True`` that is done (unlink a
    Linked one, its data kept; delete a Deauthorized one) and the new connection made.

    Records who started it (``CodatLink``). Raises ``CodatProblem``.
    """
    _require(owner)
    with problems(owner, f"start a connection to {platform_key}"):
        chosen = integrations.platform(platform_key)
        if chosen is None:
            raise CodatProblem(Problem.UNKNOWN_PLATFORM)
        accounting = chosen.source_type == SourceType.ACCOUNTING
        client = get_client()
        company, listed = _sync_or_replace(owner, client)
        reuse = _reusable(listed, platform_key, accounting)
        if reuse is not None:
            _history(owner, reuse, issued_by=issued_by, reason=reason, reused=True)
            link_url = listed.connections[reuse.connection_id].link_url
            return ConnectionStarted(reuse, link_url, reused=True)
        plan = _blocking(listed, platform_key) if accounting else None
        if plan is not None and not replace:
            raise CodatProblem(Problem.ACCOUNTING_CONNECTED, replacement=plan)
        replaced = _replace(owner, plan, client) if plan is not None else None
        try:
            created = client.create_connection(company, platform_key=platform_key)
        except errors.BadRequestError:
            # Another accounting connection appeared since we looked (another tab, the Portal).
            conflict = (
                _blocking(_sync(owner, company, client), platform_key) if accounting else None
            )
            if conflict is not None:
                raise CodatProblem(Problem.ACCOUNTING_CONNECTED, replacement=conflict) from None
            raise
        row = records.apply(
            owner, company, created, timezone.now(), offline_connector=chosen.offline_connector
        )
        _history(owner, row, issued_by=issued_by, reason=reason, reused=False)
        logger.info(
            "Started Codat connection %s (%s) for %s.",
            row.connection_id,
            platform_key,
            owner_label(owner),
        )
        return ConnectionStarted(row, created.link_url, reused=False, replaced=replaced)


def _own(owner: Model, connection_id: str) -> tuple[str, CodatConnection | None]:
    """The owner's company id and its row for ``connection_id``; ``NOT_FOUND`` when the owner
    has no company (so no connection)."""
    company = _stored_company(owner)
    if not company:
        raise CodatProblem(Problem.NOT_FOUND)
    row = records.of_owner(owner).filter(connection_id=connection_id).first()
    return company, row


def _gone(owner: Model, row: CodatConnection | None) -> CodatProblem:
    if row is not None:
        records.mark_deleted(owner, row, timezone.now())
    return CodatProblem(Problem.NOT_FOUND)


def reconnect(
    owner: Model, connection_id: str, *, issued_by: Any = None, reason: str = CodatLink.Reason.PAGE
) -> ConnectionStarted:
    """One of the owner's connections, with a fresh link to send the user through Link again
    (a Deauthorized connection relinked, an Unlinked one relinked, a pending one finished).
    Raises ``CodatProblem`` (``NOT_FOUND`` for a connection that is not the owner's)."""
    _require(owner)
    company, row = _own(owner, connection_id)
    with problems(owner, f"reconnect {connection_id}"):
        try:
            connection = get_client().get_connection(company, connection_id)
        except errors.NotFoundError:
            raise _gone(owner, row) from None
        row = records.apply(owner, company, connection, timezone.now())
        _history(owner, row, issued_by=issued_by, reason=reason, reused=True)
        return ConnectionStarted(row, connection.link_url, reused=True)


def unlink_connection(owner: Model, connection_id: str) -> CodatConnection:
    """Disconnect: Codat stops syncing, and the data already read stays readable. Only a Linked
    connection can be unlinked (``CodatProblem(NOT_LINKED)`` otherwise). Returns the row."""
    _require(owner)
    company, row = _own(owner, connection_id)
    client = get_client()
    with problems(owner, f"unlink {connection_id}"):
        try:
            unlinked = client.unlink_connection(company, connection_id)
        except errors.NotFoundError:
            raise _gone(owner, row) from None
        except errors.BadRequestError:
            # Codat only unlinks a Linked connection: record what it is instead.
            current = client.get_connection(company, connection_id)
            records.apply(owner, company, current, timezone.now())
            raise CodatProblem(Problem.NOT_LINKED) from None
        return records.apply(owner, company, unlinked, timezone.now())


def delete_connection(owner: Model, connection_id: str) -> None:
    """Delete the connection at Codat, irreversibly (connecting again makes a new one). One
    Codat no longer has counts as deleted, if it was the owner's."""
    _require(owner)
    company, row = _own(owner, connection_id)
    with problems(owner, f"delete {connection_id}"):
        try:
            get_client().delete_connection(company, connection_id)
        except errors.NotFoundError:
            if row is None:
                raise CodatProblem(Problem.NOT_FOUND) from None
        if row is not None:
            records.mark_deleted(owner, row, timezone.now())
        logger.info("Deleted Codat connection %s of %s.", connection_id, owner_label(owner))
