"""Exactly one Conductor end-user per owner row.

Conductor has no idempotency keys and does not deduplicate ``sourceId``, so "exactly once" is
ours to guarantee. A lease row (``EndUserClaim``) taken with a conditional UPDATE lets one worker
at a time create the end-user, across threads and processes; no database lock is held during the
HTTP call.

A create whose outcome we do not know (a read timeout, a connection dropped after the request
left, a 5xx) may still complete at Conductor after we gave up. Its lease is then kept for
``CREATE_GRACE_SECONDS`` with nobody behind it, so no path (the settings page, a task, the sync,
the admin) creates another for that owner meanwhile; the first attempt after it looks the
end-user up by ``sourceId`` before creating one. A lease that ran out instead of being released
(a worker died mid-create) is followed by the same look-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, F, Model, Q, When
from django.utils import timezone

from . import signals
from .client import ConductorAPIError, ConductorClient, ConductorError, EndUser
from .clients import get_client
from .conf import app_settings
from .logs import describe, moment, owner_label
from .models import EndUserClaim
from .owners import end_user_fields, owner_reference, require_owner

logger = logging.getLogger("conductor_django.provisioning")

_disabled = ContextVar("conductor_django_provisioning_disabled", default=False)

FindExisting = Callable[[str], EndUser | None]


class ProvisioningInProgress(Exception):
    """The owner's end-user cannot be created right now: another worker is creating it, or
    (``held``) an earlier create may still complete at Conductor. Ask again after ``retry_at``."""

    def __init__(self, owner: Model, retry_at: datetime | None, *, held: bool = False):
        self.owner = owner
        self.retry_at = retry_at
        self.held = held
        label = owner_label(owner)
        until = moment(retry_at) if retry_at else "shortly"
        if held:
            message = (
                f"No new Conductor end-user for {label} before {until}: an earlier create may "
                "still complete at Conductor."
            )
        else:
            message = (
                f"Another worker is creating the Conductor end-user of {label} (until {until})."
            )
        super().__init__(message)


@contextmanager
def provisioning_disabled() -> Iterator[None]:
    """Saves inside this block do not create Conductor end-users (bulk imports, fixtures)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def provisioning_enabled() -> bool:
    return app_settings.AUTO_PROVISION and not _disabled.get()


def grace() -> timedelta:
    """How long after an ambiguous create no other create starts for that owner."""
    return timedelta(seconds=float(app_settings.CREATE_GRACE_SECONDS))


def _stored_id(model: type[Model], pk: object) -> str | None:
    return (
        model._default_manager.filter(pk=pk).values_list("conductor_end_user_id", flat=True).first()
    )


def _claims(owner: Model):
    return EndUserClaim.objects.filter(**owner_reference(owner))


def next_attempt_at(owner: Model) -> datetime | None:
    """When a create for ``owner`` may start again (the end of a lease or of a hold after an
    ambiguous failure), or None when nothing holds it off."""
    until = _claims(owner).values_list("lease_expires_at", flat=True).first()
    return until if until and until > timezone.now() else None


def _take_lease(owner: Model, reconcile: bool) -> EndUserClaim | None:
    ref = owner_reference(owner)
    claim, _ = EndUserClaim.objects.get_or_create(**ref)
    now = timezone.now()
    taken = (
        EndUserClaim.objects.filter(pk=claim.pk)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_expires_at=now + timedelta(seconds=app_settings.PROVISIONING_LEASE_SECONDS),
            attempts=F("attempts") + 1,
            # A lease that ran out rather than being released (that worker died mid-attempt), or
            # a hold after an ambiguous failure, may hide an end-user Conductor did create.
            may_exist_upstream=True
            if reconcile
            else Case(
                When(lease_expires_at__isnull=False, then=True), default=F("may_exist_upstream")
            ),
            # Empty while a worker holds the lease; set again if this attempt fails.
            last_error="",
            updated_at=now,
        )
    )
    return EndUserClaim.objects.filter(pk=claim.pk).first() if taken else None


def _in_progress(owner: Model) -> ProvisioningInProgress:
    claim = _claims(owner).first()
    if claim is None:  # released between our attempt and this read
        return ProvisioningInProgress(owner, None)
    return ProvisioningInProgress(owner, claim.lease_expires_at, held=bool(claim.last_error))


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
    require_owner(owner)
    if owner.conductor_end_user_id:
        return owner.conductor_end_user_id
    model = owner.__class__
    claim = _take_lease(owner, reconcile)
    if claim is None:
        stored = _stored_id(model, owner.pk)
        if stored:
            owner.conductor_end_user_id = stored
            return stored
        raise _in_progress(owner)
    attempt = _Attempt()
    try:
        client = client or get_client()
        end_user, created = _create_or_adopt(
            owner, claim, client, find_existing or client.find_end_user, attempt
        )
    except BaseException as exc:
        _release(claim, exc, attempt)
        raise
    EndUserClaim.objects.filter(pk=claim.pk).delete()
    if end_user is None:  # another worker stored one while we held an expired lease
        return owner.conductor_end_user_id
    logger.info(
        "%s Conductor end-user %s for %s.",
        "Created" if created else "Adopted existing",
        end_user.id,
        owner_label(owner),
    )
    signals.end_user_created.send(sender=model, owner=owner, end_user_id=end_user.id)
    return end_user.id


@dataclass
class _Attempt:
    """How far one attempt got, which decides what its failure may have left at Conductor."""

    posted: bool = False
    answered: bool = False


def _ambiguous(error: BaseException) -> bool:
    """Whether a ``POST /end-users`` that failed with ``error`` may still create the end-user:
    anything but Conductor's own 4xx answer (it refused the request, or a 429 that it did not
    process) and a request that never left (a refused connection: Conductor was not reached)."""
    if isinstance(error, ConductorAPIError):
        return (error.http_status_code or 500) >= 500
    if isinstance(error, ConductorError):
        return error.request_sent
    return True


def _release(claim: EndUserClaim, error: BaseException, attempt: _Attempt) -> None:
    now = timezone.now()
    values = {"lease_expires_at": None, "updated_at": now}
    text = describe(error) if isinstance(error, ConductorError) else repr(error)
    values["last_error"] = text[:1000] or type(error).__name__
    if attempt.answered:
        # Conductor created it and we failed to store it: the next attempt adopts it at once.
        values["may_exist_upstream"] = True
    elif attempt.posted and _ambiguous(error):
        values["may_exist_upstream"] = True
        values["lease_expires_at"] = now + grace()
    EndUserClaim.objects.filter(pk=claim.pk).update(**values)


def _create_or_adopt(
    owner: Model,
    claim: EndUserClaim,
    client: ConductorClient,
    find_existing: FindExisting,
    attempt: _Attempt,
) -> tuple[EndUser | None, bool]:
    model = owner.__class__
    stored = _stored_id(model, owner.pk)
    if stored:
        owner.conductor_end_user_id = stored
        return None, False
    fields = end_user_fields(owner)
    end_user = find_existing(fields["source_id"]) if claim.may_exist_upstream else None
    created = end_user is None
    if created:
        attempt.posted = True
        end_user = client.create_end_user(**fields)
        attempt.answered = True
    model._default_manager.filter(pk=owner.pk, conductor_end_user_id__isnull=True).update(
        conductor_end_user_id=end_user.id
    )
    owner.conductor_end_user_id = end_user.id
    return end_user, created


def failure_summary(owner: Model, error: ConductorError) -> str:
    """One sentence (or two) for a log line: what failed for whom, and whether a create that may
    still complete at Conductor holds new ones off, and until when."""
    text = f"Could not create the Conductor end-user of {owner_label(owner)}: {describe(error)}."
    until = next_attempt_at(owner)
    if until:
        text += (
            " It may have reached Conductor and still complete there, so none is created "
            f"before {moment(until)}; the next attempt looks it up by sourceId first."
        )
    return text
