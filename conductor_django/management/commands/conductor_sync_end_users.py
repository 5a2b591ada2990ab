"""``manage.py conductor_sync_end_users``: every owner without a Conductor end-user gets one;
then owners with more than one end-user for their ``sourceId`` and end-users matching no owner
are reported, and with ``--delete-duplicates`` the safe extras deleted (``core.management``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Model, QuerySet

from ... import audit, bulk
from ...client import ConductorError, EndUser
from ...clients import get_client
from ...conf import app_settings
from ...core.audit import Audit, Duplicate, Outcome
from ...core.management import SyncCommand
from ...logs import describe
from ..base import NOUNS


class Command(SyncCommand[EndUser]):
    help = (
        "Give every owner (user, or the CONDUCTOR['OWNER_MODEL'] model) that has no Conductor "
        "end-user one, then report owners with more than one end-user for their sourceId and "
        "end-users whose sourceId matches no owner (one GET /end-users). Owners that already "
        "have one are skipped, so the command is idempotent and an interrupted run resumes where "
        "it stopped. Progress goes to stderr, the summary and the report to stdout; the exit "
        "status is 1 when any owner could not get an end-user or an extra could not be deleted "
        "(run it again to retry those)."
    )
    nouns = NOUNS
    key_name = "sourceId"

    def list_records(self) -> list[EndUser]:
        try:
            return get_client().list_end_users()
        except ConductorError as exc:
            raise CommandError(
                f"Could not list Conductor's end-users: {describe(exc)}. Run the command again "
                "when Conductor answers."
            ) from None

    def sync(
        self, missing: QuerySet[Any], concurrency: int, report: Any, listed: list[EndUser]
    ) -> Counter[str]:
        return bulk.sync_end_users(
            missing, concurrency=concurrency, on_result=report, listed=listed
        )

    def audit(self, model: type[Model], listed: Iterable[EndUser]) -> Audit[EndUser]:
        return audit.audit(model, listed)

    def delete_extras(
        self, duplicates: list[Duplicate[EndUser]], dry_run: bool, report: Any
    ) -> dict[Outcome, int]:
        return audit.delete_extras(duplicates, get_client(), dry_run=dry_run, on_result=report)

    def record_id(self, record: EndUser) -> str:
        return record.id

    def orphan(self, record: EndUser, singular: str) -> str:
        return (
            f"{record.id} (sourceId {record.source_id!r}, companyName "
            f"{record.company_name!r}) matches no {singular}."
        )

    def describe(self, error: Any) -> str:
        return describe(error)

    def grace_seconds(self) -> Any:
        return app_settings.CREATE_GRACE_SECONDS
