"""``manage.py codat_sync_companies``: every owner without a Codat company gets one; then owners
with more than one company for their tag and tagged companies matching no owner are reported,
and with ``--delete-duplicates`` the safe extras deleted (``core.management``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Model, QuerySet

from ....core.audit import Audit, Duplicate, Outcome
from ....core.management import Nouns, SyncCommand
from ... import audit, bulk
from ...client import CodatError, Company
from ...clients import get_client
from ...conf import codat_settings
from ...logs import describe
from ...owners import tag_key

NOUNS = Nouns(
    provider="Codat",
    record="company",
    records="companies",
    a_record="a company",
    field="codat_company_id",
    mixin="CodatCompanyMixin",
)


class Command(SyncCommand[Company]):
    help = (
        "Give every owner (user, or the CONDUCTOR['OWNER_MODEL'] model) that has no Codat "
        "company one, then report owners with more than one company for their owner tag "
        "(CODAT['OWNER_TAG']) and tagged companies matching no owner (one listing of Codat's "
        "companies). Owners that already have one are skipped, so the command is idempotent and "
        "an interrupted run resumes where it stopped; an owner whose company Codat already has "
        "adopts it. Progress goes to stderr, the summary and the report to stdout; the exit "
        "status is 1 when any owner could not get a company or an extra could not be deleted."
    )
    nouns = NOUNS
    key_name = "tag"

    def list_records(self) -> list[Company]:
        try:
            return audit.list_tagged(get_client())
        except CodatError as exc:
            raise CommandError(
                f"Could not list Codat's companies: {describe(exc)}. Run the command again when "
                "Codat answers."
            ) from None

    def sync(
        self, missing: QuerySet[Any], concurrency: int, report: Any, listed: list[Company]
    ) -> Counter[str]:
        return bulk.sync_companies(
            missing, concurrency=concurrency, on_result=report, listed=listed
        )

    def audit(self, model: type[Model], listed: Iterable[Company]) -> Audit[Company]:
        return audit.audit(model, listed)

    def delete_extras(
        self, duplicates: list[Duplicate[Company]], dry_run: bool, report: Any
    ) -> dict[Outcome, int]:
        return audit.delete_extras(duplicates, get_client(), dry_run=dry_run, on_result=report)

    def record_id(self, record: Company) -> str:
        return record.id

    def orphan(self, record: Company, singular: str) -> str:
        return (
            f"{record.id} (tag {tag_key()}={record.tags.get(tag_key())!r}, name "
            f"{record.name!r}) matches no {singular}."
        )

    def describe(self, error: Any) -> str:
        return describe(error)

    def grace_seconds(self) -> Any:
        return codat_settings.CREATE_GRACE_SECONDS
