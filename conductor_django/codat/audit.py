"""Codat's companies held against the owner rows, by the owner tag (``core.audit``): owners
with more than one company (a create that completed after we gave up, before the grace period
existed or beyond it) and tagged companies whose tag matches no row. Companies without our tag
are not ours (another application on the same Codat client) and are left out.

What may be deleted is narrow: only an extra company of an owner whose row points to another
one with its tag, created longer than ``CODAT["CREATE_GRACE_SECONDS"]`` ago, and stored on no
row of any model. Deleting a company deletes its connections and data at Codat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Model

from ..core import audit as core
from ..core.audit import Audit, Outcome
from .client import CodatClient, CodatError, Company, errors
from .conf import codat_settings
from .models import CodatCompanyMixin
from .owners import pk_for, tag_key

LIST_PAGE_SIZE = 1000


def _key(company: Company) -> str | None:
    return company.tags.get(tag_key())


DIRECTORY: core.Directory[Company] = core.Directory(
    field="codat_company_id",
    mixin=CodatCompanyMixin,
    id_of=lambda company: company.id,
    key_of=_key,
    pk_for=pk_for,
    created_of=lambda company: company.created,
)


def list_tagged(client: CodatClient) -> list[Company]:
    """Every company carrying our owner tag (whatever its value): one paged listing of all of
    them, as Codat's query language cannot ask for "has this tag"."""
    return [c for c in client.iter_companies(page_size=LIST_PAGE_SIZE) if _key(c) is not None]


def audit(model: type[Model], listed: Iterable[Company]) -> Audit[Company]:
    """Compare Codat's companies (``listed``) with the rows of the owner ``model``."""
    return core.audit(DIRECTORY, model, listed)


def delete_extras(
    duplicates: Iterable[core.Duplicate[Company]],
    client: CodatClient,
    *,
    dry_run: bool,
    on_result: Callable[[core.Duplicate[Company], Company, Outcome, Any], None],
) -> dict[Outcome, int]:
    """Delete the extra companies that are safe to delete (``core.audit.delete_extras``)."""
    return core.delete_extras(
        duplicates,
        lambda company: client.delete_company(company.id),
        grace=timedelta(seconds=float(codat_settings.CREATE_GRACE_SECONDS)),
        gone=errors.NotFoundError,
        failure=CodatError,
        dry_run=dry_run,
        on_result=on_result,
    )
