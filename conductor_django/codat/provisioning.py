"""Exactly one Codat company per owner row.

Codat has no idempotency key and no uniqueness on a company's name, so "exactly once" is ours,
with the lease every provider shares (``core.provisioning``): one worker at a time creates the
company (``CompanyClaim``), across threads and processes. Our id for the owner travels in a tag
(``owners.tag_value``), which is how an attempt finds a company an earlier one created:
``GET /companies?tags=ownerId=accounts.user:42``.

A create whose outcome we do not know (a read timeout, a connection dropped after the request
left, a 5xx) may still complete at Codat after we gave up (the sandbox's ``late_create`` fault
and ``FakeCodat.late_create`` play it). Its lease is then kept for ``CODAT["CREATE_GRACE_SECONDS"]``
with nobody behind it, so no path creates another company for that owner meanwhile; the first
attempt after it looks the company up by its tag before creating one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db.models import Model

from ..core import provisioning as core
from ..core.provisioning import provisioning_disabled
from . import signals
from .client import CodatAPIError, CodatClient, CodatError, Company
from .clients import get_client
from .conf import codat_settings
from .logs import describe
from .models import CompanyClaim
from .owners import company_fields, tag_key, tag_value

__all__ = [
    "PROVISIONER",
    "FindExisting",
    "ProvisioningInProgress",
    "ensure_company",
    "failure_summary",
    "next_attempt_at",
    "provisioning_disabled",
    "provisioning_enabled",
]

logger = logging.getLogger("conductor_django.codat.provisioning")

#: Looks up the company an earlier attempt may have made for an owner (by its tag value).
FindExisting = Callable[[str], Company | None]


class ProvisioningInProgress(core.ProvisioningInProgress):
    """The owner's Codat company cannot be created right now: another worker is creating it, or
    (``held``) an earlier create may still complete at Codat. Ask again after ``retry_at``."""

    provider = "Codat"
    resource = "company"


def provisioning_enabled() -> bool:
    return bool(codat_settings.AUTO_PROVISION) and not core.provisioning_suspended()


def _ambiguous(error: BaseException) -> bool:
    """Whether a ``POST /companies`` that failed with ``error`` may still create the company:
    anything but Codat's own 4xx answer (it refused the request; a 429 was not processed). A
    request that never left (a refused connection) is settled before this is asked, by the core
    lease."""
    if isinstance(error, CodatAPIError):
        return (error.status_code or 500) >= 500
    return True


def _created(owner: Model, company_id: str) -> None:
    signals.company_created.send(sender=owner.__class__, owner=owner, company_id=company_id)


PROVISIONER: core.Provisioner[Company] = core.Provisioner(
    provider="Codat",
    resource="company",
    field="codat_company_id",
    claims=CompanyClaim,
    in_progress=ProvisioningInProgress,
    lease_seconds=lambda: float(codat_settings.PROVISIONING_LEASE_SECONDS),
    grace_seconds=lambda: float(codat_settings.CREATE_GRACE_SECONDS),
    lookup="by its owner tag",
    remote_id=lambda company: company.id,
    error_class=CodatError,
    ambiguous=_ambiguous,
    describe=describe,
    created=_created,
    logger=logger,
)


def next_attempt_at(owner: Model) -> datetime | None:
    """When a company create for ``owner`` may start again, or None when nothing holds it off."""
    return PROVISIONER.next_attempt_at(owner)


def ensure_company(
    owner: Model,
    client: CodatClient | None = None,
    find_existing: FindExisting | None = None,
    *,
    reconcile: bool = False,
) -> str:
    """Return the owner's Codat company id, creating the company if it has none.

    ``find_existing(tag_value)`` looks up a company an earlier attempt may have created
    (default: ``GET /companies`` filtered by the owner tag); bulk callers pass one backed by a
    single listing. ``reconcile`` looks it up before creating even when no earlier attempt is
    known to have failed.

    Raises ``NotAnOwnerError`` for a row of a model that is not the owner model,
    ``ProvisioningInProgress`` when another worker is creating it or an ambiguous failure holds
    creates off, ``CodatError`` when Codat fails, and ``ImproperlyConfigured`` without an API
    key; whatever happens, no second company is created for the owner.
    """

    def create() -> Company:
        fields = company_fields(owner)
        return (client or get_client()).create_company(
            name=fields["name"], description=fields["description"], tags=fields["tags"]
        )

    def find() -> Company | None:
        if find_existing is not None:
            return find_existing(tag_value(owner))
        return (client or get_client()).find_company_by_tag(tag_key(), tag_value(owner))

    return core.ensure(
        PROVISIONER, owner, create, find, reconcile=reconcile, gets="no Codat company"
    )


def failure_summary(owner: Model, error: CodatError) -> str:
    """One sentence (or two) for a log line: what failed for whom, and whether a create that may
    still complete at Codat holds new ones off, and until when."""
    return PROVISIONER.failure_summary(owner, error)
