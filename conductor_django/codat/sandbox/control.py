"""Drive the sandbox from code (tests, benchmarks, shells). Every function acts on the database,
so it reaches a sandbox served by another thread (``live_server``) or process sharing the DB.
Out-of-process callers use the same functions through ``<mount>/control/``
(``control_endpoint``). Results are JSON-ready.

Errors: ``LookupError`` for an unknown company, connection or delivery; ``ValueError`` for a bad
argument or a change Codat would refuse (e.g. revoking a connection that is not Linked).
"""

import fnmatch
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from .. import catalog, shapes
from . import errors, lifecycle, link, serialize, syncs

# The webhook functions live in control_webhooks; they are part of this module's API (the
# ``name as name`` form re-exports them).
from .control_webhooks import deliver_out_of_order as deliver_out_of_order
from .control_webhooks import deliver_pending as deliver_pending
from .control_webhooks import replay_with_old_timestamp as replay_with_old_timestamp
from .control_webhooks import send_duplicate as send_duplicate
from .control_webhooks import send_garbage as send_garbage
from .control_webhooks import send_with_wrong_secret as send_with_wrong_secret
from .control_webhooks import webhook_deliveries as webhook_deliveries
from .models import (
    Company,
    Connection,
    FaultKind,
    PendingFault,
    Profile,
    RequestLog,
    SandboxConfig,
    WebhookDelivery,
)

T = TypeVar("T")
JSON = dict[str, Any]

FAULT_KINDS = tuple(FaultKind.values)
LINK_OUTCOMES = tuple(catalog.LINK_OUTCOMES)
SYNC_OUTCOMES = catalog.SYNC_OUTCOMES


def _refused(action: Callable[[], T]) -> T:
    try:
        return action()
    except errors.ApiError as exc:
        raise ValueError(exc.error) from None


def _company(company_id: str) -> Company:
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise LookupError(f"No company {company_id!r} in the sandbox.")
    return company


def _connection(connection_id: str) -> Connection:
    connection = Connection.objects.select_related("company").filter(pk=connection_id).first()
    if connection is None:
        raise LookupError(f"No connection {connection_id!r} in the sandbox.")
    return connection


def _non_negative(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or number < 0:
        raise ValueError(f"{name} must be a non-negative number.")
    return number


def reset() -> None:
    """Forget everything: companies (with connections), faults, log, profile, deliveries."""
    with transaction.atomic():
        for model in (Company, RequestLog, PendingFault, SandboxConfig, Profile, WebhookDelivery):
            model.objects.all().delete()


def _sandbox_view(connection: Connection) -> JSON:
    return {
        **serialize.connection(connection),
        "syncStatus": connection.sync_status or None,
        "syncOutcome": connection.sync_outcome,
        "connectorOnline": connection.connector_online,
    }


def companies() -> list[JSON]:
    """Every company as the API shows it (hidden late creates too, with ``visible``), each
    connection with its sandbox state (``syncStatus``, ``syncOutcome``, ``connectorOnline``)."""
    result = []
    for company in Company.objects.prefetch_related("connections__errors"):
        data = serialize.company(company)
        data["dataConnections"] = [_sandbox_view(c) for c in company.connections.all()]
        data["visible"] = company.is_visible()
        result.append(data)
    return result


def create_company(name: str, description: str = "", tags: dict[str, str] | None = None) -> JSON:
    company = lifecycle.create_company(
        name, description=description, tags=tags, base_url=serialize.mount_url()
    )
    return serialize.company(company, [])


def delete_company(company_id: str) -> None:
    lifecycle.delete_company(_company(company_id))


def create_connection(company_id: str, platform_key: str) -> JSON:
    company = _company(company_id)
    return serialize.connection(
        _refused(lambda: lifecycle.create_connection(company, platform_key))
    )


def link_url(connection_id: str) -> str:
    """The connection's Link URL as the API would hand it out now (a fresh one-time token when
    the previous one was used or expired)."""
    connection = _connection(connection_id)
    lifecycle.ensure_otp(connection)
    return serialize.link_url(connection)


def complete_link(
    connection_id: str, outcome: str = catalog.LINK, status_text: str = "", **params: str
) -> JSON:
    """Finish the Link page as the browser would (``outcome`` from ``LINK_OUTCOMES``); returns
    the status code, texts and ``redirectUrl``: the filled redirect template, with ``params``
    standing for the Link URL's own query parameters (None without a template)."""
    connection = _connection(connection_id)
    result = _refused(lambda: lifecycle.complete_link(connection, outcome, status_text))
    return {
        "statusCode": result.status_code,
        "errorMessage": result.error_message,
        "statusText": result.status_text,
        "redirectUrl": link.redirect_for(connection, result, params),
    }


def fail_link(connection_id: str, status_text: str = "") -> JSON:
    """A link attempt that errored: the status stays, an error is added, connection.failed."""
    return complete_link(connection_id, catalog.ERROR, status_text)


def relink(connection_id: str) -> JSON:
    """The user linked again (Deauthorized or Unlinked → Linked, connection.reconnected)."""
    return complete_link(connection_id, catalog.LINK)


def revoke(connection_id: str) -> JSON:
    """The user revoked access on the platform's side: Linked → Deauthorized."""
    connection = _connection(connection_id)
    return serialize.connection(_refused(lambda: lifecycle.revoke(connection)))


def unlink(connection_id: str) -> JSON:
    connection = _connection(connection_id)
    return serialize.connection(_refused(lambda: lifecycle.unlink(connection)))


def delete_connection(connection_id: str) -> JSON:
    return lifecycle.delete_connection(_connection(connection_id))


def set_connector_online(connection_id: str, online: bool = True) -> None:
    """An offline connector's PC: its syncs leave Queued only while it is online."""
    Connection.objects.filter(pk=_connection(connection_id).pk).update(connector_online=online)


def set_sync_outcome(connection_id: str, outcome: str) -> None:
    """How the connection's syncs end: one of ``SYNC_OUTCOMES``."""
    if outcome not in SYNC_OUTCOMES:
        expected = ", ".join(SYNC_OUTCOMES)
        raise ValueError(f"Unknown outcome {outcome!r}; expected one of {expected}.")
    Connection.objects.filter(pk=_connection(connection_id).pk).update(sync_outcome=outcome)


def set_sync_timing(
    queued_seconds: float | None = None, fetching_seconds: float | None = None
) -> None:
    config = SandboxConfig.load()
    if queued_seconds is not None:
        config.sync_queued_seconds = _non_negative("queued_seconds", queued_seconds)
    if fetching_seconds is not None:
        config.sync_fetching_seconds = _non_negative("fetching_seconds", fetching_seconds)
    config.save()


def advance_sync(connection_id: str) -> str | None:
    """Move the connection's sync one state on now (Queued → Fetching → outcome); returns the
    new status. An offline connector that is not online stays Queued."""
    connection = _connection(connection_id)
    syncs.step(connection, force=True)
    connection.refresh_from_db()
    return connection.sync_status or None


def data_status(company_id: str) -> JSON:
    return syncs.data_status(_company(company_id))


def set_redirect_url(url: str | None) -> None:
    """The redirect template (None: back to the ``REDIRECT_URL`` setting)."""
    Profile.objects.filter(pk=Profile.load().pk).update(
        redirect_url=url or "", redirect_url_set=url is not None
    )


def set_one_time_links(enabled: bool | None) -> None:
    """One-time Link URLs on or off (None: back to the ``ONE_TIME_LINKS`` setting)."""
    Profile.objects.filter(pk=Profile.load().pk).update(one_time_links=enabled)


def expire_link(connection_id: str) -> None:
    """Make the connection's one-time link expired now."""
    Connection.objects.filter(pk=_connection(connection_id).pk).update(
        otp_expires_at=timezone.now() - timedelta(seconds=1)
    )


def set_faults(
    latency_ms: int | None = None,
    fault_rate: float | None = None,
    fault_kinds: list[str] | None = None,
    retry_after_seconds: int | None = None,
) -> JSON:
    """API-wide: ``latency_ms`` on every request; with probability ``fault_rate`` a request gets
    one of ``fault_kinds`` at random; ``retry_after_seconds`` for 429s. None keeps a value."""
    config = SandboxConfig.load()
    if latency_ms is not None:
        config.latency_ms = int(_non_negative("latency_ms", latency_ms))
    if fault_rate is not None:
        if not 0 <= float(fault_rate) <= 1:
            raise ValueError("fault_rate must be between 0 and 1.")
        config.fault_rate = float(fault_rate)
    if fault_kinds is not None:
        config.fault_kinds = [_fault_kind(k) for k in fault_kinds]
    if retry_after_seconds is not None:
        config.retry_after_seconds = int(_non_negative("retry_after_seconds", retry_after_seconds))
    config.save()
    return faults()


def _fault_kind(kind: str) -> str:
    if kind not in FAULT_KINDS:
        raise ValueError(f"Unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}.")
    return kind


def fail_next(
    n: int,
    kind: str,
    method: str | None = None,
    path: str | None = None,
    retry_after_seconds: int = 1,
    delay_ms: int = 0,
) -> None:
    """The next ``n`` API requests (of ``method``, on ``path``: an fnmatch pattern relative to
    the API root such as ``/companies/*``) get ``kind``. ``drop_after`` processes the request
    and drops the connection; ``late_create`` does too, and a company it creates stays
    invisible for ``delay_ms``; ``delay`` waits ``delay_ms`` and answers normally."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError("n must be a positive integer.")
    PendingFault.objects.create(
        kind=_fault_kind(kind),
        remaining=n,
        method=(method or "").upper(),
        path=path or "",
        retry_after_seconds=int(_non_negative("retry_after_seconds", retry_after_seconds)),
        delay_ms=int(_non_negative("delay_ms", delay_ms)),
    )


def late_create(seconds: float, n: int = 1) -> None:
    """The next ``n`` company creates happen but the client's connection drops, and the company
    only shows in ``GET``/list after ``seconds``: the "timed out but happened" case."""
    fail_next(n, FaultKind.LATE_CREATE, "POST", "/companies", delay_ms=int(seconds * 1000))


def reveal_late_creates() -> int:
    """Make every late-created company visible now (and due its ``company.created``); returns
    how many there were."""
    now = timezone.now()
    with transaction.atomic():
        hidden = list(Company.objects.filter(visible_at__gt=now).values_list("id", flat=True))
        Company.objects.filter(pk__in=hidden).update(visible_at=now)
        WebhookDelivery.objects.filter(
            company_id__in=hidden, status=WebhookDelivery.PENDING, attempts=0
        ).update(next_attempt_at=now)
    return len(hidden)


def clear_faults() -> None:
    with transaction.atomic():
        PendingFault.objects.all().delete()
        SandboxConfig.objects.update(latency_ms=0, fault_rate=0, fault_kinds=[])


def faults() -> JSON:
    config = SandboxConfig.load()
    return {
        "latencyMs": config.latency_ms,
        "faultRate": config.fault_rate,
        "faultKinds": list(config.fault_kinds or []),
        "retryAfterSeconds": config.retry_after_seconds,
        "pending": [
            {"kind": p.kind, "remaining": p.remaining, "method": p.method or None, "path": p.path}
            for p in PendingFault.objects.all()
        ],
    }


def _requests(method: str | None, path: str | None, company_id: str | None) -> list[RequestLog]:
    qs = RequestLog.objects.all()
    if method:
        qs = qs.filter(method=method.upper())
    if company_id:
        qs = qs.filter(company_id=company_id)
    return [r for r in qs if not path or fnmatch.fnmatchcase(r.path, path)]


def request_log(
    method: str | None = None, path: str | None = None, company_id: str | None = None
) -> list[JSON]:
    """Logged API requests, oldest first, filtered like ``request_count``."""
    return [
        {
            "correlationId": r.correlation_id,
            "method": r.method,
            "path": r.path,
            "companyId": r.company_id or None,
            "status": r.status,
            "fault": r.fault or None,
            "createdAt": shapes.timestamp(r.created_at),
        }
        for r in _requests(method, path, company_id)
    ]


def request_count(
    method: str | None = None, path: str | None = None, company_id: str | None = None
) -> int:
    """How many API requests reached the sandbox (faulted ones too), e.g.
    ``request_count("POST", "/companies")``; ``path`` may be an fnmatch pattern."""
    return len(_requests(method, path, company_id))
