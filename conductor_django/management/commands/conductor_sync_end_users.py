from django.core.management.base import CommandError

from ... import bulk
from ..base import OwnerCommand, Progress


class Command(OwnerCommand):
    help = (
        "Give every owner (user, or the CONDUCTOR['OWNER_MODEL'] model) that has no Conductor "
        "end-user one. Owners that already have one are skipped, so the command is idempotent "
        "and an interrupted run resumes where it stopped when started again. Progress goes to "
        "stderr, the summary to stdout; the exit status is 1 when any owner could not get an "
        "end-user (run it again to retry those)."
    )

    def add_arguments(self, parser):
        self.add_model_argument(parser)
        self.add_concurrency_argument(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the owners without an end-user; nothing is sent to Conductor.",
        )

    def handle(self, *args, model=None, concurrency=4, dry_run=False, **options):
        model = self.owner_model(model)
        self.check_concurrency(concurrency)
        name = model._meta.verbose_name_plural
        missing = model._default_manager.filter(conductor_end_user_id__isnull=True)
        pending = missing.count()
        if dry_run:
            total = model._default_manager.count()
            self.stdout.write(
                f"{pending} of {total} {name} have no Conductor end-user; "
                "run without --dry-run to create them."
            )
            return
        if not pending:
            self.stdout.write(f"Every one of the {name} already has a Conductor end-user.")
            return
        progress = Progress(pending, self.stderr, "Synced")

        def report(owner, outcome, detail):
            progress.step()
            if outcome == "failed":
                self.stderr.write(f"{model._meta.label} {owner.pk}: {detail}")
            elif options["verbosity"] >= 2:
                self.stderr.write(f"{model._meta.label} {owner.pk}: {outcome} {detail or ''}")

        totals = bulk.sync_end_users(missing, concurrency=concurrency, on_result=report)
        self.stdout.write(
            f"Created {totals['created']} end-users; {totals['failed']} failed; "
            f"{totals['in_progress']} being created by another worker."
        )
        if totals["failed"]:
            raise CommandError(
                f"{totals['failed']} {name} could not get an end-user; "
                "run the command again to retry them."
            )
