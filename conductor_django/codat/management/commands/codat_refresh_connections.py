"""``manage.py codat_refresh_connections``: ask Codat for every owner's connections and record
them, sending the status signals for each change; for hosts without webhooks, from cron or a
scheduler (the task ``refresh_all_connections`` does the same from a task queue)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Model

from ....core.management import OwnerCommand, Progress
from ... import bulk
from .codat_sync_companies import NOUNS

OUTCOMES = (
    ("refreshed", "refreshed"),
    ("in_progress", "skipped (company being created)"),
    ("failed", "not refreshed (Codat could not be reached)"),
)


class Command(OwnerCommand):
    help = (
        "Ask Codat for the connections of every owner that has a Codat company, record their "
        "status and send connection_status_changed (and connection_completed) for each change: "
        "the same effect as Codat's webhooks, for hosts that do not receive them. Run it from "
        "cron or a scheduler every few minutes. Progress goes to stderr, the summary to stdout; "
        "the exit status is 1 when Codat could not be reached for some owner."
    )
    nouns = NOUNS

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_model_argument(parser)
        self.add_concurrency_argument(parser)

    def handle(
        self, *args: Any, model: str | None = None, concurrency: int = 4, **options: Any
    ) -> None:
        owner_model = self.owner_model(model)
        self.check_concurrency(concurrency)
        owners = owner_model._default_manager.filter(codat_company_id__isnull=False)
        progress = Progress(owners.count(), self.stderr, "Refreshed")
        label = owner_model._meta.label

        def report(owner: Model, outcome: str, detail: Any) -> None:
            progress.step()
            if outcome == "failed" or options["verbosity"] >= 2:
                said = getattr(detail, "message", "") if outcome != "refreshed" else ""
                self.stdout.write(f"{label} {owner.pk}: {outcome} {said}".rstrip())

        totals = bulk.refresh_owners(owners, concurrency=concurrency, on_result=report)
        parts = [f"{totals[key]} {words}" for key, words in OUTCOMES if totals[key]]
        self.stdout.write(
            f"Codat connections of {progress.total} {owner_model._meta.verbose_name_plural}: "
            + ("; ".join(parts) or "nothing to do")
            + "."
        )
        if totals["failed"]:
            raise CommandError(
                f"Codat could not be reached for {totals['failed']} of them; their recorded "
                "connections are unchanged. Run the command again later."
            )
