"""Every change to companies and connections, shared by the API, the Link page, the dashboard
and ``control``: each runs in one transaction and records the webhook Codat would send.

Rules (Codat's where documented; *assumed* otherwise, see the package docstring):

- a company holds at most one *established* accounting connection (Linked or Deauthorized);
  PendingAuth and Unlinked ones do not count, so a user may pick again or switch after
  unlinking;
- only a Linked connection can be unlinked (``PATCH``) or revoked (the platform's side);
- linking a PendingAuth connection sends ``connection.connected``; relinking a Deauthorized or
  Unlinked one ``connection.reconnected``; both resolve the active errors and queue a sync;
- a failed or cancelled link leaves the status as it was, adds an Active
  ``dataConnectionErrors`` entry and sends ``connection.failed``.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .. import catalog
from . import errors, serialize, syncs, webhooks
from .models import Company, Connection, ConnectionStatus, DataConnectionError

OTP_LIFETIME = timedelta(days=1)
ESTABLISHED = (ConnectionStatus.LINKED, ConnectionStatus.DEAUTHORIZED)


@dataclass(frozen=True)
class LinkResult:
    """What the Link page reports back through the redirect template."""

    status_code: int
    error_message: str
    status_text: str


def _connection_event(event_type: str, connection: Connection) -> None:
    webhooks.enqueue(
        event_type,
        {
            "referenceCompany": serialize.reference_company(connection.company),
            "connection": serialize.connection(connection),
        },
        company_id=connection.company_id,
        connection_id=connection.id,
    )


@transaction.atomic
def create_company(
    name: str,
    *,
    base_url: str,
    description: str = "",
    tags: Mapping[str, str] | None = None,
    visible_at: datetime | None = None,
) -> Company:
    company = Company.objects.create(
        name=name,
        description=description,
        tags=dict(tags or {}),
        base_url=base_url.rstrip("/"),
        visible_at=visible_at,
    )
    # A late create announces itself when it becomes visible, not before.
    webhooks.enqueue(
        catalog.COMPANY_CREATED,
        serialize.company_details(company),
        company_id=company.id,
        not_before=visible_at,
    )
    return company


@transaction.atomic
def delete_company(company: Company) -> None:
    """Delete the company with its connections; only ``company.deleted`` is sent (assumed)."""
    details = serialize.company_details(company)
    company_id = company.id
    company.delete()
    webhooks.enqueue(catalog.COMPANY_DELETED, details, company_id=company_id)


def established_accounting(
    company: Company, exclude: Connection | None = None
) -> Connection | None:
    for connection in company.connections.filter(status__in=ESTABLISHED):
        if connection.is_accounting and (exclude is None or connection.pk != exclude.pk):
            return connection
    return None


def mint_otp(connection: Connection, now: datetime | None = None) -> None:
    now = now or timezone.now()
    connection.otp = secrets.token_urlsafe(24)
    connection.otp_expires_at = now + OTP_LIFETIME
    connection.otp_used_at = None
    connection.save(update_fields=["otp", "otp_expires_at", "otp_used_at"])


def ensure_otp(connection: Connection) -> None:
    """With one-time links on, give the connection a usable token: reading a connection after
    its link was used or expired hands out a new link, as Codat's API does."""
    if not serialize.one_time_links():
        return
    now = timezone.now()
    expired = connection.otp_expires_at is not None and connection.otp_expires_at <= now
    if not connection.otp or connection.otp_used_at or expired:
        mint_otp(connection, now)


@transaction.atomic
def create_connection(company: Company, platform_key: str) -> Connection:
    entry = catalog.integration(platform_key)
    if entry is None:
        raise errors.integration_not_found(platform_key)
    if not entry.enabled:
        raise errors.bad_request(
            catalog.INTEGRATION_DISABLED.format(key=platform_key), "platformKey"
        )
    if entry.source_type == catalog.ACCOUNTING:
        existing = established_accounting(company)
        if existing is not None:
            raise errors.bad_request(
                catalog.ONE_ACCOUNTING_CONNECTION.format(
                    platform=existing.integration.name, id=existing.id, status=existing.status
                )
            )
    connection = Connection.objects.create(company=company, platform_key=platform_key)
    ensure_otp(connection)
    _connection_event(catalog.CONNECTION_CREATED, connection)
    return connection


def _add_error(connection: Connection, status_code: int, status_text: str, message: str) -> None:
    DataConnectionError.objects.create(
        connection=connection,
        status_code=str(status_code),
        status_text=status_text,
        error_message=message,
        status=DataConnectionError.ACTIVE,
    )


@transaction.atomic
def fail(connection: Connection, outcome: catalog.LinkOutcome, status_text: str = "") -> LinkResult:
    """A link attempt that did not authorize: the status stays, an error is recorded."""
    text = status_text or outcome.status_text
    if outcome.connection_error is not None:
        _add_error(connection, outcome.status_code, text, outcome.connection_error[1])
        _connection_event(catalog.CONNECTION_FAILED, connection)
    return LinkResult(outcome.status_code, outcome.error_message, text)


@transaction.atomic
def link(connection: Connection) -> LinkResult:
    """The user authorized: Linked, a sync queued, active errors resolved."""
    if connection.is_accounting and established_accounting(connection.company, connection):
        error = catalog.LINK_OUTCOMES[catalog.ERROR]
        return fail(connection, error, catalog.SECOND_ACCOUNTING_TEXT)
    previous = connection.status
    if previous == ConnectionStatus.LINKED:
        return LinkResult(200, "", "")
    now = timezone.now()
    connection.errors.filter(status=DataConnectionError.ACTIVE).update(
        status=DataConnectionError.RESOLVED, resolved_at=now
    )
    connection.status = ConnectionStatus.LINKED
    syncs.start(connection, now)
    connection.save(update_fields=["status", *syncs.START_FIELDS])
    event = (
        catalog.CONNECTION_CONNECTED
        if previous == ConnectionStatus.PENDING_AUTH
        else catalog.CONNECTION_RECONNECTED
    )
    _connection_event(event, connection)
    return LinkResult(200, "", "")


def complete_link(connection: Connection, outcome_name: str, status_text: str = "") -> LinkResult:
    """Apply what the tester chose on the Link page (one of ``catalog.LINK_OUTCOMES``)."""
    outcome = catalog.LINK_OUTCOMES.get(outcome_name)
    if outcome is None:
        names = ", ".join(catalog.LINK_OUTCOMES)
        raise ValueError(f"Unknown outcome {outcome_name!r}; expected one of {names}.")
    if outcome.name == catalog.LINK:
        return link(connection)
    if outcome.name in (catalog.ALREADY_LINKED, catalog.NOT_SUPPORTED):
        return LinkResult(outcome.status_code, outcome.error_message, outcome.status_text)
    return fail(connection, outcome, status_text)


def _require_linked(connection: Connection) -> None:
    if connection.status != ConnectionStatus.LINKED:
        raise errors.bad_request(
            catalog.ONLY_LINKED_CAN_BE_UNLINKED.format(status=connection.status), "status"
        )


@transaction.atomic
def unlink(connection: Connection) -> Connection:
    _require_linked(connection)
    connection.status = ConnectionStatus.UNLINKED
    connection.save(update_fields=["status"])
    _connection_event(catalog.CONNECTION_DISCONNECTED, connection)
    return connection


@transaction.atomic
def revoke(connection: Connection) -> Connection:
    """The user revoked access inside the platform (or it expired): Deauthorized."""
    _require_linked(connection)
    connection.status = ConnectionStatus.DEAUTHORIZED
    if connection.sync_status:
        connection.sync_status = catalog.AUTH_ERROR
    connection.save(update_fields=["status", "sync_status"])
    _add_error(connection, 401, catalog.DEAUTHORIZED_TEXT, catalog.DEAUTHORIZED_TEXT)
    _connection_event(catalog.CONNECTION_DISCONNECTED, connection)
    return connection


@transaction.atomic
def delete_connection(connection: Connection) -> dict[str, object]:
    """Delete it; returns the connection as it was (what ``DELETE`` answers)."""
    body = serialize.connection(connection)
    payload = {
        "referenceCompany": serialize.reference_company(connection.company),
        "connection": body,
    }
    company_id, connection_id = connection.company_id, connection.id
    connection.delete()
    webhooks.enqueue(
        catalog.CONNECTION_DELETED, payload, company_id=company_id, connection_id=connection_id
    )
    return body
