"""Exactly one Conductor end-user per owner row.

Conductor has no idempotency keys and does not deduplicate ``sourceId``, so "exactly once" is
ours to guarantee, with the lease every provider shares (``core.provisioning``): one worker at a
time creates the end-user (``EndUserClaim``), across threads and processes.

A create whose outcome we do not know (a read timeout, a connection dropped after the request
left, a 5xx) may still complete at Conductor after we gave up. Its lease is then kept for
``CREATE_GRACE_SECONDS`` with nobody behind it, so no path (the settings page, a task, the sync,
the admin) creates another for that owner meanwhile; the first attempt after it looks the
end-user up by ``sourceId`` before creating one. A lease that ran out instead of being released
(a worker died mid-create) is followed by the same look-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Model

from . import signals
from .client import ConductorAPIError, ConductorClient, ConductorError, EndUser
from .clients import get_client
from .conf import app_settings
from .core import provisioning as core
from .core.provisioning import provisioning_disabled
from .logs import describe
from .models import EndUserClaim
from .owners import end_user_fields

__all__ = [
    "FindExisting",
    "ProvisioningInProgress",
    "ensure_end_user",
    "failure_summary",
    "grace",
    "next_attempt_at",
    "provisioning_disabled",
    "provisioning_enabled",
]

logger = logging.getLogger("conductor_django.provisioning")

FindExisting = Callable[[str], EndUser | None]


class ProvisioningInProgress(core.ProvisioningInProgress):
    """The owner's end-user cannot be created right now: another worker is creating it, or
    (``held``) an earlier create may still complete at Conductor. Ask again after ``retry_at``."""

    provider = "Conductor"
    resource = "end-user"


def provisioning_enabled() -> bool:
    return bool(app_settings.AUTO_PROVISION) and not core.provisioning_suspended()


def _ambiguous(error: BaseException) -> bool:
    """Whether a ``POST /end-users`` that failed with ``error`` may still create the end-user:
    anything but Conductor's own 4xx answer (it refused the request, or a 429 that it did not
    process). A request that never left (a refused connection) is settled before this is asked,
    by the core lease."""
    if isinstance(error, ConductorAPIError):
        return (error.http_status_code or 500) >= 500
    return True


def _created(owner: Model, end_user_id: str) -> None:
    signals.end_user_created.send(sender=owner.__class__, owner=owner, end_user_id=end_user_id)


PROVISIONER: core.Provisioner[EndUser] = core.Provisioner(
    provider="Conductor",
    resource="end-user",
    field="conductor_end_user_id",
    claims=EndUserClaim,
    in_progress=ProvisioningInProgress,
    lease_seconds=lambda: float(app_settings.PROVISIONING_LEASE_SECONDS),
    grace_seconds=lambda: float(app_settings.CREATE_GRACE_SECONDS),
    lookup="by sourceId",
    remote_id=lambda end_user: end_user.id,
    error_class=ConductorError,
    ambiguous=_ambiguous,
    describe=describe,
    created=_created,
    logger=logger,
)


def grace() -> timedelta:
    """How long after an ambiguous create no other create starts for that owner."""
    return PROVISIONER.grace()


def next_attempt_at(owner: Model) -> datetime | None:
    """When a create for ``owner`` may start again (the end of a lease or of a hold after an
    ambiguous failure), or None when nothing holds it off."""
    return PROVISIONER.next_attempt_at(owner)


def ensure_end_user(
    owner: Model,
    client: ConductorClient | None = None,
    find_existing: FindExisting | None = None,
    *,
    reconcile: bool = False,
) -> str:
    """Return the owner's Conductor end-user id, creating the end-user if it has none.

    ``find_existing(source_id)`` looks up an end-user an earlier attempt may have created
    (default: list Conductor's end-users); bulk callers pass one backed by a single listing.
    ``reconcile`` looks it up before creating even when no earlier attempt is known to have
    failed (an end-user may exist under another key, e.g. after switching projects).

    Raises ``NotAnOwnerError`` for a row of a model that is not the owner model,
    ``ProvisioningInProgress`` when another worker is creating it or an ambiguous failure holds
    creates off, and ``ConductorError`` when Conductor fails; either way nothing is duplicated.
    """

    def create() -> EndUser:
        return (client or get_client()).create_end_user(**end_user_fields(owner))

    def find() -> EndUser | None:
        finder = find_existing or (client or get_client()).find_end_user
        return finder(str(owner.pk))

    return core.ensure(
        PROVISIONER, owner, create, find, reconcile=reconcile, gets="no Conductor end-user"
    )


def failure_summary(owner: Model, error: ConductorError) -> str:
    """One sentence (or two) for a log line: what failed for whom, and whether a create that may
    still complete at Conductor holds new ones off, and until when."""
    return PROVISIONER.failure_summary(owner, error)
