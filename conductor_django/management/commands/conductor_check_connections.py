from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ... import bulk
from ...models import ConductorEndUserMixin, ConnectionStatus
from ..base import OwnerCommand, Progress

DEFAULT_STALE_AFTER = 60 * 60
OUTCOMES = (
    ("connected", "connected"),
    ("not_set_up", "not set up"),
    ("error", "with an error"),
    ("failed", "not checked (Conductor could not be reached)"),
    ("in_progress", "skipped (end-user being created)"),
)


def _explain(outcome: str, detail: ConnectionStatus | BaseException | None) -> str:
    if outcome == "failed":
        return str(detail)
    if not isinstance(detail, ConnectionStatus):  # in progress: no detail
        return ""
    return detail.error_code or detail.user_facing_message


class Command(OwnerCommand):
    help = (
        "Run the QuickBooks Desktop health check for owners with a Conductor end-user and record "
        "each outcome (sending the connection_status_changed signal where it changed). By default "
        f"only owners not checked in the last {DEFAULT_STALE_AFTER} seconds; run it from cron or "
        "a periodic task to learn when a connection breaks. Progress goes to stderr, the summary "
        "and the broken connections to stdout. Broken connections are data, not a failure: the "
        "exit status is 1 only when Conductor could not be reached for some owner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--stale-after",
            type=int,
            default=DEFAULT_STALE_AFTER,
            metavar="SECONDS",
            help=(
                "Check only owners last checked more than SECONDS ago, or never "
                f"(default {DEFAULT_STALE_AFTER})."
            ),
        )
        which.add_argument(
            "--all", action="store_true", dest="check_all", help="Check every owner."
        )
        self.add_model_argument(parser)
        self.add_concurrency_argument(parser)

    def handle(
        self,
        *args: Any,
        model: str | None = None,
        concurrency: int = 4,
        stale_after: int | None = None,
        check_all: bool = False,
        **options: Any,
    ) -> None:
        owner_model = self.owner_model(model)
        self.check_concurrency(concurrency)
        owners = owner_model._default_manager.filter(conductor_end_user_id__isnull=False)
        if not check_all:
            if stale_after is None or stale_after < 0:
                raise CommandError("--stale-after must be 0 or more seconds.")
            fresh = ConnectionStatus.objects.filter(
                end_user_id=OuterRef("conductor_end_user_id"),
                checked_at__gte=timezone.now() - timedelta(seconds=stale_after),
            )
            owners = owners.exclude(Exists(fresh))
        total = owners.count()
        without = owner_model._default_manager.filter(conductor_end_user_id__isnull=True).count()
        progress = Progress(total, self.stderr, "Checked")
        model_label = owner_model._meta.label

        def report(
            owner: ConductorEndUserMixin,
            outcome: str,
            detail: ConnectionStatus | BaseException | None,
        ) -> None:
            progress.step()
            if outcome in {"error", "failed"} or options["verbosity"] >= 2:
                line = f"{model_label} {owner.pk} ({owner.conductor_end_user_id}): {outcome}"
                self.stdout.write(f"{line} {_explain(outcome, detail)}".rstrip())

        totals = bulk.check_connections(owners, concurrency=concurrency, on_result=report)
        parts = [f"{totals[key]} {label}" for key, label in OUTCOMES if totals[key]]
        self.stdout.write(
            f"Checked {total} {owner_model._meta.verbose_name_plural}: "
            + ("; ".join(parts) or "nothing to do")
            + "."
        )
        if without:
            self.stdout.write(
                f"{without} have no Conductor end-user yet (conductor_sync_end_users creates them)."
            )
        if totals["failed"]:
            raise CommandError(
                f"Conductor could not be reached for {totals['failed']} of them; "
                "their recorded status is unchanged."
            )
