"""A stored company that Codat no longer has (deleted in Codat's Portal, or the key now opens
another Codat client). The owner then gets another company, exactly once however many requests
see the 404 together:

1. confirm it: Codat's list of the owner's tagged companies does not hold the id. Where every
   call 404s (a wrong ``API_BASE_URL``) the list fails too, and the 404 is treated as an outage;
2. forget the id with a conditional UPDATE (only while the row still holds it): one caller wins,
   logs a WARNING line, sends ``company_missing`` and marks the company's connections deleted;
3. every caller then provisions as usual (the lease makes it one create), looking the owner up
   by its tag first.
"""

from __future__ import annotations

import logging

from django.db.models import Model
from django.utils import timezone

from ..core.logs import owner_label
from . import records, signals
from .client import CodatClient, CodatError, errors
from .logs import describe
from .owners import tag_key, tag_value

logger = logging.getLogger("conductor_django.codat.missing")


class MissingNotConfirmed(CodatError):
    """Codat answered 404 for a company, but its list could not confirm that it is gone:
    nothing is replaced, and the answer counts as an outage."""

    @property
    def is_transient(self) -> bool:
        return True


def confirm(
    owner: Model, company_id: str, error: errors.NotFoundError, client: CodatClient
) -> None:
    """Return once Codat's tagged companies show that ``company_id`` really is gone; else raise
    ``MissingNotConfirmed``."""
    said = (
        f"Codat answered 404 for company {company_id} of {owner_label(owner)} ({describe(error)})"
    )
    try:
        listed = list(client.iter_companies(tags=f"{tag_key()}={tag_value(owner)}"))
    except CodatError as exc:
        raise MissingNotConfirmed(
            f"{said}, but could not list its companies to confirm it is gone ({describe(exc)}); "
            "if every call fails like this, check CODAT['API_BASE_URL']"
        ) from None
    if any(company.id == company_id for company in listed):
        raise MissingNotConfirmed(f"{said}, but still lists it")


def forget(owner: Model, company_id: str) -> bool:
    """Clear the owner's stored id if it still is ``company_id``; True for the caller that did
    (it alone logs it, sends ``company_missing`` and marks the connections deleted)."""
    model = owner.__class__
    forgotten = model._default_manager.filter(pk=owner.pk, codat_company_id=company_id).update(
        codat_company_id=None
    )
    owner.codat_company_id = (  # type: ignore[attr-defined]
        None
        if forgotten
        else model._default_manager.filter(pk=owner.pk)
        .values_list("codat_company_id", flat=True)
        .first()
    )
    if not forgotten:
        return False
    logger.warning(
        "Codat no longer has company %s of %s: the app forgot it and gives the owner another.",
        company_id,
        owner_label(owner),
    )
    now = timezone.now()
    for record in records.of_owner(owner).filter(company_id=company_id):
        records.mark_deleted(owner, record, now)
    signals.company_missing.send(sender=model, owner=owner, company_id=company_id)
    return True
