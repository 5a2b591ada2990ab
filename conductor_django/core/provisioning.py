"""Exactly one record per owner row at a provider (a Conductor end-user, a Codat company).

Neither provider has idempotency keys or deduplicates our id, so "exactly once" is ours to
guarantee. A lease row (the provider's ``ProvisioningClaim``) taken with a conditional UPDATE
lets one worker at a time create the record, across threads and processes; no database lock is
held during the HTTP call.

A create whose outcome we do not know (a read timeout, a connection dropped after the request
left, a 5xx) may still complete at the provider after we gave up. Its lease is then kept for
the provider's ``CREATE_GRACE_SECONDS`` with nobody behind it, so no path (a page, a task, the
sync command, the admin) creates another for that owner meanwhile; the first attempt after it
looks the record up (by our id for the owner) before creating one. A lease that ran out instead
of being released (a worker died mid-create) is followed by the same look-up.

Each provider describes itself with a ``Provisioner``; ``ensure`` does the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import Case, F, Model, Q, QuerySet, When
from django.utils import timezone

from ..transport import ProviderError
from .logs import moment, owner_label
from .models import ProvisioningClaim
from .owners import owner_reference, require_owner, stored_value

R = TypeVar("R")

_disabled = ContextVar("conductor_django_provisioning_disabled", default=False)


class ProvisioningInProgress(Exception):
    """The owner's record cannot be created right now: another worker is creating it, or
    (``held``) an earlier create may still complete at the provider. Ask again after
    ``retry_at``. Each provider raises its own subclass, naming itself."""

    provider: ClassVar[str] = "the provider"
    resource: ClassVar[str] = "record"

    def __init__(self, owner: Model, retry_at: datetime | None, *, held: bool = False) -> None:
        self.owner = owner
        self.retry_at = retry_at
        self.held = held
        label = owner_label(owner)
        until = moment(retry_at) if retry_at else "shortly"
        what = f"{self.provider} {self.resource}"
        if held:
            message = (
                f"No new {what} for {label} before {until}: an earlier create may still "
                f"complete at {self.provider}."
            )
        else:
            message = f"Another worker is creating the {what} of {label} (until {until})."
        super().__init__(message)


@contextmanager
def provisioning_disabled() -> Iterator[None]:
    """Saves inside this block create nothing at any provider (bulk imports, fixtures)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def provisioning_suspended() -> bool:
    """Whether the caller is inside ``provisioning_disabled()``."""
    return _disabled.get()


@dataclass(frozen=True)
class Provisioner(Generic[R]):
    """What ``ensure`` needs to know about one provider's record (``R``: the client's type)."""

    #: ``"Conductor"``; ``resource``: ``"end-user"``. Log lines and errors say both.
    provider: str
    resource: str
    #: The owner model's field holding the record's id (``conductor_end_user_id``).
    field: str
    claims: type[ProvisioningClaim]
    in_progress: type[ProvisioningInProgress]
    #: Seconds a worker may hold the lease; seconds creates stay held after an ambiguous one.
    lease_seconds: Callable[[], float]
    grace_seconds: Callable[[], float]
    #: How the next attempt finds a record a failed one may have made: ``"by sourceId"``.
    lookup: str
    remote_id: Callable[[R], str]
    #: The provider's errors, and whether a create that failed with one may still have happened.
    error_class: type[ProviderError]
    ambiguous: Callable[[BaseException], bool]
    describe: Callable[[Any], str]
    #: Told once the id is stored: ``created(owner, record_id)`` (sends the provider's signal).
    created: Callable[[Model, str], None]
    logger: logging.Logger

    def grace(self) -> timedelta:
        """How long after an ambiguous create no other create starts for that owner."""
        return timedelta(seconds=float(self.grace_seconds()))

    def claims_of(self, owner: Model) -> QuerySet[ProvisioningClaim]:
        return self.claims._default_manager.filter(**owner_reference(owner))

    def next_attempt_at(self, owner: Model) -> datetime | None:
        """When a create for ``owner`` may start again (the end of a lease or of a hold after
        an ambiguous failure), or None when nothing holds it off."""
        until: datetime | None = (
            self.claims_of(owner).values_list("lease_expires_at", flat=True).first()
        )
        return until if until and until > timezone.now() else None

    def failure_summary(self, owner: Model, error: ProviderError) -> str:
        """One sentence (or two) for a log line: what failed for whom, and whether a create
        that may still complete at the provider holds new ones off, and until when."""
        text = (
            f"Could not create the {self.provider} {self.resource} of {owner_label(owner)}: "
            f"{self.describe(error)}."
        )
        until = self.next_attempt_at(owner)
        if until:
            text += (
                f" It may have reached {self.provider} and still complete there, so none is "
                f"created before {moment(until)}; the next attempt looks it up {self.lookup} "
                "first."
            )
        return text

    def create_or_adopt(
        self,
        owner: Model,
        claim: ProvisioningClaim,
        create: Callable[[], R],
        find_existing: Callable[[], R | None],
        attempt: _Attempt,
    ) -> tuple[R | None, bool]:
        """Under the lease: adopt a record an earlier attempt made, else create one, and store
        its id (only on a row that has none)."""
        model = owner.__class__
        stored: str | None = stored_value(model, owner.pk, self.field)
        if stored:
            setattr(owner, self.field, stored)
            return None, False
        record = find_existing() if claim.may_exist_upstream else None
        created = record is None
        if record is None:
            attempt.posted = True
            record = create()
            attempt.answered = True
        record_id = self.remote_id(record)
        model._default_manager.filter(pk=owner.pk, **{f"{self.field}__isnull": True}).update(
            **{self.field: record_id}
        )
        setattr(owner, self.field, record_id)
        return record, created


@dataclass
class _Attempt:
    """How far one attempt got, which decides what its failure may have left upstream."""

    posted: bool = False
    answered: bool = False


def _take_lease(spec: Provisioner[Any], owner: Model, reconcile: bool) -> ProvisioningClaim | None:
    manager = spec.claims._default_manager
    claim, _ = manager.get_or_create(**owner_reference(owner))
    now = timezone.now()
    taken = (
        manager.filter(pk=claim.pk)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_expires_at=now + timedelta(seconds=float(spec.lease_seconds())),
            attempts=F("attempts") + 1,
            # A lease that ran out rather than being released (that worker died mid-attempt), or
            # a hold after an ambiguous failure, may hide a record the provider did create.
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
    return manager.filter(pk=claim.pk).first() if taken else None


def _in_progress(spec: Provisioner[Any], owner: Model) -> ProvisioningInProgress:
    claim = spec.claims_of(owner).first()
    if claim is None:  # released between our attempt and this read
        return spec.in_progress(owner, None)
    return spec.in_progress(owner, claim.lease_expires_at, held=bool(claim.last_error))


def ensure(
    spec: Provisioner[R],
    owner: Model,
    create: Callable[[], R],
    find_existing: Callable[[], R | None],
    *,
    reconcile: bool = False,
    gets: str,
) -> str:
    """Return the owner's record id at the provider, creating the record if it has none.

    ``find_existing()`` looks up a record an earlier attempt may have created; ``create()``
    makes one. Both run inside the lease, only when needed. ``reconcile`` looks the record up
    before creating even when no earlier attempt is known to have failed.

    Raises ``NotAnOwnerError`` for a row of a model that is not the owner model (``gets`` says
    what such rows do not get), ``spec.in_progress`` when another worker is creating it or an
    ambiguous failure holds creates off, and the provider's error when it fails; either way
    nothing is duplicated.
    """
    require_owner(owner, gets=gets)
    current: str | None = getattr(owner, spec.field)
    if current:
        return current
    model = owner.__class__
    claim = _take_lease(spec, owner, reconcile)
    if claim is None:
        stored: str | None = stored_value(model, owner.pk, spec.field)
        if stored:
            setattr(owner, spec.field, stored)
            return stored
        raise _in_progress(spec, owner)
    attempt = _Attempt()
    try:
        record, created = spec.create_or_adopt(owner, claim, create, find_existing, attempt)
    except BaseException as exc:
        _release(spec, claim, exc, attempt)
        raise
    spec.claims._default_manager.filter(pk=claim.pk).delete()
    if record is None:  # another worker stored one while we held an expired lease
        stored_now: str = getattr(owner, spec.field)
        return stored_now
    record_id = spec.remote_id(record)
    spec.logger.info(
        "%s %s %s %s for %s.",
        "Created" if created else "Adopted existing",
        spec.provider,
        spec.resource,
        record_id,
        owner_label(owner),
    )
    spec.created(owner, record_id)
    return record_id


def _may_have_happened(spec: Provisioner[Any], error: BaseException) -> bool:
    # A request that never left (a refused connection, say: the provider is not running) cannot
    # have created anything, whatever the provider; the rest is the provider's to judge.
    if isinstance(error, ProviderError) and not error.request_sent:
        return False
    return spec.ambiguous(error)


def _release(
    spec: Provisioner[Any], claim: ProvisioningClaim, error: BaseException, attempt: _Attempt
) -> None:
    now = timezone.now()
    values: dict[str, Any] = {"lease_expires_at": None, "updated_at": now}
    text = spec.describe(error) if isinstance(error, spec.error_class) else repr(error)
    values["last_error"] = text[:1000] or type(error).__name__
    if attempt.answered:
        # The provider created it and we failed to store it: the next attempt adopts it at once.
        values["may_exist_upstream"] = True
    elif attempt.posted and _may_have_happened(spec, error):
        values["may_exist_upstream"] = True
        values["lease_expires_at"] = now + spec.grace()
    spec.claims._default_manager.filter(pk=claim.pk).update(**values)
