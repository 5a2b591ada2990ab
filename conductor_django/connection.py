"""What this app knows about an owner's QuickBooks connection, and the calls that teach it.

Every path that learns something (settings view, callback, API, admin, commands, tasks) goes
through ``check`` and ``issue_auth_session`` so the recorded state and the signals stay in step.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from . import missing, signals
from .client import (
    AuthSession,
    ConductorError,
    ConnectionNotSetUpError,
    IntegrationConnectionError,
    IntegrationError,
    NotFoundError,
)
from .clients import get_client
from .conf import app_settings
from .core import readahead
from .models import AuthSessionRecord, ConductorEndUserMixin, ConnectionStatus
from .owners import owner_reference
from .provisioning import ensure_end_user

logger = logging.getLogger("conductor_django.connection")
Status = ConnectionStatus.Status


CACHED_FIELDS = (
    "end_user_id",
    "status",
    "error_code",
    "integration_code",
    "user_facing_message",
    "request_id",
    "checked_at",
    "first_connected_at",
)


def cache() -> BaseCache:
    """The cache of statuses and of the single-flight markers (``CONDUCTOR["CACHE_ALIAS"]``)."""
    return caches[app_settings.CACHE_ALIAS]


def cache_key(end_user_id: str) -> str:
    """The prefix of every cache key about ``end_user_id``'s connection."""
    return f"conductor_django:status:{end_user_id}"


def lock_seconds() -> int:
    """Long enough for the slowest health check to finish; short enough that a crashed holder of
    a lock is brief."""
    return int(app_settings.CONNECT_TIMEOUT + app_settings.HEALTH_CHECK_TIMEOUT) + 5


#: How long a status stays in the cache. Past ``STATUS_CACHE_TTL`` it is too old to be the
#: answer (``cached`` checks its age), but it still is the last known status that a page shows
#: while it checks again, without reading the database on the way to its first byte.
LAST_KNOWN_SECONDS = 7 * 24 * 60 * 60


def _remember(status: ConnectionStatus) -> None:
    ttl = int(app_settings.STATUS_CACHE_TTL)
    if ttl > 0:
        values = {name: getattr(status, name) for name in CACHED_FIELDS}
        cache().set(cache_key(status.end_user_id), values, max(ttl, LAST_KNOWN_SECONDS))


def forget(end_user_id: str) -> None:
    """Drop the cached status, so the next look runs a fresh health check."""
    cache().delete(cache_key(end_user_id))


def cached(end_user_id: str, newer_than: datetime) -> ConnectionStatus | None:
    """The cached status of a check that ended at ``newer_than`` or later; no database read."""
    found = last_known(end_user_id)
    if found and found.checked_at and found.checked_at >= newer_than:
        return found
    return None


def last_known(end_user_id: str) -> ConnectionStatus | None:
    """The cached status of the last check of the past ``LAST_KNOWN_SECONDS``, however old;
    no database read. With ``STATUS_CACHE_TTL`` 0 nothing is cached: ``recorded_status``."""
    values = readahead.get(cache(), cache_key(end_user_id))
    return ConnectionStatus(**values) if values else None


def recorded_status(owner: ConductorEndUserMixin) -> ConnectionStatus | None:
    """The last recorded status, without a network call; None when never checked."""
    if not owner.conductor_end_user_id:
        return None
    return ConnectionStatus.objects.filter(end_user_id=owner.conductor_end_user_id).first()


def record(
    owner: Model, end_user_id: str, status: str, error: ConductorError | None = None
) -> ConnectionStatus:
    """Store a check's outcome and tell the host app what changed."""
    now = timezone.now()
    values: dict[str, Any] = {
        "status": status,
        "checked_at": now,
        "error_code": (error and error.code) or "",
        "integration_code": (error and error.integration_code) or "",
        "user_facing_message": (error and error.user_facing_message) or "",
        "request_id": (error and error.request_id) or "",
        "disconnected_at": None,
    }
    with transaction.atomic():
        current, created = ConnectionStatus.objects.select_for_update().get_or_create(
            end_user_id=end_user_id, defaults={**owner_reference(owner), **values}
        )
        old_status = None if created else current.status
        if not created:
            for name, value in values.items():
                setattr(current, name, value)
        first_connection = status == Status.CONNECTED and current.first_connected_at is None
        if first_connection:
            current.first_connected_at = now
        current.save()
        if status == Status.CONNECTED:
            AuthSessionRecord.objects.filter(
                end_user_id=end_user_id, completed_at__isnull=True, created_at__lte=now
            ).update(completed_at=now)
    if old_status != status:
        sender = owner.__class__
        signals.connection_status_changed.send(
            sender=sender,
            owner=owner,
            end_user_id=end_user_id,
            old_status=old_status,
            new_status=status,
            error_code=values["error_code"],
            user_facing_message=values["user_facing_message"],
        )
        if status == Status.CONNECTED:
            signals.connection_completed.send(sender=sender, owner=owner, end_user_id=end_user_id)
    _remember(current)
    return current


def check(owner: Model, *, max_age: float = 0) -> ConnectionStatus:
    """The owner's connection status, from a health check no older than ``max_age`` seconds.

    With ``max_age=0`` (the default) a fresh check always runs. Concurrent checks of one
    end-user make one upstream call (QuickBooks serves one request per company file at a time):
    the others wait for its result through the cache, which must be shared between processes
    for this to hold across them.

    Returns the ``ConnectionStatus``. Raises ``ConductorError`` when the answer says nothing
    about the connection itself (Conductor unreachable, our key rejected, an outage); the
    recorded status is then left as it was. Creates the end-user first if it has none, and
    another one if Conductor no longer has the stored one (``replace_missing``).
    """
    end_user_id = ensure_end_user(owner)
    try:
        return _check(owner, end_user_id, max_age)
    except NotFoundError as exc:
        end_user_id = replace_missing(owner, end_user_id, exc)
    return _check(owner, end_user_id, 0)


def _check(owner: Model, end_user_id: str, max_age: float) -> ConnectionStatus:
    asked_at = timezone.now()
    if max_age and (found := cached(end_user_id, asked_at - timedelta(seconds=max_age))):
        return found
    lock = cache_key(end_user_id) + ":checking"
    limit = lock_seconds()
    if not cache().add(lock, 1, limit):
        return _wait_for_check(end_user_id, lock, asked_at, limit)
    try:
        return record(owner, end_user_id, *health_check(end_user_id))
    finally:
        cache().delete(lock)


class CheckFailedElsewhere(ConductorError):
    """A concurrent health check of the same connection, which this caller waited for, failed."""

    @property
    def is_transient(self) -> bool:
        return True


def _wait_for_check(
    end_user_id: str, lock: str, asked_at: datetime, limit: float
) -> ConnectionStatus:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if result := cached(end_user_id, asked_at):
            return result
        if cache().get(lock) is None:
            break
    # The check we waited for failed: the last known status, if there is one, rather than each
    # waiter asking Conductor in turn.
    recorded = ConnectionStatus.objects.filter(
        end_user_id=end_user_id, checked_at__isnull=False
    ).first()
    if recorded is None:
        raise CheckFailedElsewhere("A concurrent health check of this connection failed.")
    return recorded


def health_check(end_user_id: str) -> tuple[str, ConductorError | None]:
    """Ask Conductor, without recording anything: the status its answer means, and the error
    that said so. Touches no database, so it may run on any thread; ``record`` stores it."""
    try:
        get_client().health_check(end_user_id)
    except ConnectionNotSetUpError as exc:
        return Status.NOT_SET_UP, exc
    except (IntegrationConnectionError, IntegrationError) as exc:
        return Status.ERROR, exc
    # Anything else says nothing about the connection: raised for the caller to log and show.
    return Status.CONNECTED, None


def replace_missing(owner: Model, end_user_id: str, error: NotFoundError) -> str:
    """Give ``owner`` another end-user in place of ``end_user_id``, for which Conductor answered
    ``error`` (``RESOURCE_MISSING``); return the new id. Exactly once across concurrent callers:
    see ``conductor_django.missing``. Raises ``missing.MissingNotConfirmed`` (an outage) when
    Conductor's list does not confirm the end-user is gone, and whatever ``ensure_end_user``
    raises."""
    client = get_client()
    listed = missing.confirm(owner, end_user_id, error, client)
    if missing.forget(owner, end_user_id, error):
        forget(end_user_id)
        # Its connection went with it; a never-checked one had no recorded status to change.
        if ConnectionStatus.objects.filter(end_user_id=end_user_id).exists():
            _mark_disconnected(owner, end_user_id)
    return ensure_end_user(
        owner, client=client, find_existing=missing.finder(listed), reconcile=True
    )


@dataclass(frozen=True)
class IssuedLink:
    """An auth session just created: the URL is a bearer credential, so it lives only here."""

    record: AuthSessionRecord
    auth_flow_url: str

    def __repr__(self) -> str:
        return f"<IssuedLink {self.record.auth_session_id}>"


def issue_auth_session(
    owner: Model,
    *,
    reason: str,
    issued_by: Any = None,
    redirect_url: str | None = None,
    expiry_minutes: int | None = None,
    sent_to: str = "",
) -> IssuedLink:
    end_user_id = ensure_end_user(owner)
    expiry_minutes = expiry_minutes or app_settings.link_expiry("LINK_EXPIRY_MINUTES")

    def create(end_user_id: str) -> AuthSession:
        return get_client().create_auth_session(
            publishable_key=app_settings.require("PUBLISHABLE_KEY"),
            end_user_id=end_user_id,
            link_expiry_mins=expiry_minutes,
            redirect_url=redirect_url,
        )

    try:
        session = create(end_user_id)
    except NotFoundError as exc:
        end_user_id = replace_missing(owner, end_user_id, exc)
        session = create(end_user_id)
    record_ = AuthSessionRecord.objects.create(
        **owner_reference(owner),
        auth_session_id=session.id,
        end_user_id=end_user_id,
        issued_by=issued_by if getattr(issued_by, "pk", None) else None,
        reason=reason,
        sent_to=sent_to,
        redirect_url=_without_query(redirect_url or ""),
        created_at=session.created_at,
        expires_at=session.expires_at,
    )
    signals.auth_session_created.send(sender=owner.__class__, owner=owner, record=record_)
    return IssuedLink(record_, session.auth_flow_url)


def _without_query(url: str) -> str:
    # The redirect carries our one-time state in its query string; keep only where it pointed.
    return url.split("?", 1)[0]


def disconnect(owner: ConductorEndUserMixin) -> bool:
    """Delete the owner's Conductor end-user (and so its connections) and forget its id.

    A new end-user is created the next time the owner connects. Returns False when the owner
    had no end-user.
    """
    end_user_id = owner.conductor_end_user_id
    if not end_user_id:
        return False
    try:
        get_client().delete_end_user(end_user_id)
    except NotFoundError:
        logger.info("End-user %s was already gone from Conductor.", end_user_id)
    owner.__class__._default_manager.filter(pk=owner.pk, conductor_end_user_id=end_user_id).update(
        conductor_end_user_id=None
    )
    owner.conductor_end_user_id = None
    forget(end_user_id)
    _mark_disconnected(owner, end_user_id)
    return True


def _mark_disconnected(owner: Model, end_user_id: str) -> None:
    """Record that the connection of ``end_user_id`` is gone, and tell the host."""
    old = ConnectionStatus.objects.filter(end_user_id=end_user_id).first()
    ConnectionStatus.objects.filter(end_user_id=end_user_id).update(
        status=Status.NOT_SET_UP, disconnected_at=timezone.now()
    )
    signals.connection_status_changed.send(
        sender=owner.__class__,
        owner=owner,
        end_user_id=end_user_id,
        old_status=old.status if old else None,
        new_status=Status.NOT_SET_UP,
        error_code="",
        user_facing_message="",
    )
