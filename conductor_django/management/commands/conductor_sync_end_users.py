from django.core.management.base import CommandError

from ... import audit, bulk
from ...client import ConductorError
from ...clients import get_client
from ...conf import app_settings
from ...logs import describe
from ..base import OwnerCommand, Progress


def _plural(count, singular, plural=None):
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


class Command(OwnerCommand):
    help = (
        "Give every owner (user, or the CONDUCTOR['OWNER_MODEL'] model) that has no Conductor "
        "end-user one, then report owners with more than one end-user for their sourceId and "
        "end-users whose sourceId matches no owner (one GET /end-users). Owners that already "
        "have one are skipped, so the command is idempotent and an interrupted run resumes where "
        "it stopped. Progress goes to stderr, the summary and the report to stdout; the exit "
        "status is 1 when any owner could not get an end-user or an extra could not be deleted "
        "(run it again to retry those)."
    )

    def add_arguments(self, parser):
        self.add_model_argument(parser)
        self.add_concurrency_argument(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=(
                "Change nothing: count the owners without an end-user and report (and, with "
                "--delete-duplicates, list what would be deleted). Only GET /end-users is sent."
            ),
        )
        parser.add_argument(
            "--delete-duplicates",
            action="store_true",
            help=(
                "Delete the extra end-users of owners that have more than one: those the owner "
                "row does not point to, older than CONDUCTOR['CREATE_GRACE_SECONDS'] and stored "
                "on no row. End-users that match no owner are never deleted."
            ),
        )

    def handle(
        self,
        *args,
        model=None,
        concurrency=4,
        dry_run=False,
        delete_duplicates=False,
        **options,
    ):
        model = self.owner_model(model)
        self.check_concurrency(concurrency)
        self.names = model._meta.verbose_name, model._meta.verbose_name_plural
        client = get_client()
        listed = self._list(client)
        missing = model._default_manager.filter(conductor_end_user_id__isnull=True)
        pending = missing.count()
        problems = []
        if dry_run:
            total = model._default_manager.count()
            self.stdout.write(
                f"{pending} of {total} {self.names[1]} have no Conductor end-user; "
                "run without --dry-run to create them."
            )
        elif not pending:
            self.stdout.write(f"Every one of the {self.names[1]} already has a Conductor end-user.")
        else:
            failed, created = self._sync(model, missing, pending, concurrency, listed, options)
            if created:
                # The report is about Conductor as this run leaves it.
                listed = self._list(client)
            if failed:
                problems.append(
                    f"{_plural(failed, *self.names)} could not get an end-user; run the command "
                    "again to retry them."
                )
        found = audit.audit(model, listed)
        self._report(model, found)
        if delete_duplicates and found.duplicates:
            failed = self._delete(found, client, dry_run)
            if failed:
                problems.append(
                    f"{_plural(failed, 'extra end-user')} could not be deleted; run the command "
                    "again to retry."
                )
        elif found.duplicates:
            extras = sum(len(duplicate.extras) for duplicate in found.duplicates)
            self.stdout.write(
                f"Run again with --delete-duplicates to delete the "
                f"{_plural(extras, 'extra end-user')}; it keeps any younger than "
                "CREATE_GRACE_SECONDS or stored on a row."
            )
        if problems:
            raise CommandError(" ".join(problems))

    def _list(self, client):
        try:
            return client.list_end_users()
        except ConductorError as exc:
            raise CommandError(
                f"Could not list Conductor's end-users: {describe(exc)}. Run the command again "
                "when Conductor answers."
            ) from None

    def _sync(self, model, missing, pending, concurrency, listed, options):
        progress = Progress(pending, self.stderr, "Synced")

        def report(owner, outcome, detail):
            progress.step()
            if outcome == "failed":
                self.stderr.write(f"{model._meta.label} {owner.pk}: {detail}")
            elif options["verbosity"] >= 2:
                self.stderr.write(f"{model._meta.label} {owner.pk}: {outcome} {detail or ''}")

        totals = bulk.sync_end_users(
            missing, concurrency=concurrency, on_result=report, listed=listed
        )
        line = (
            f"Created {_plural(totals['created'], 'end-user')}; {totals['failed']} failed; "
            f"{totals['in_progress']} being created by another worker."
        )
        if totals["held"]:
            line += (
                f" {totals['held']} waiting for a create that may still complete at Conductor "
                "(run the command again later)."
            )
        self.stdout.write(line)
        return totals["failed"], totals["created"]

    def _report(self, model, found):
        singular, plural = self.names
        if found.clean:
            self.stdout.write(
                f"Conductor has {_plural(found.listed, 'end-user')}: no {singular} has more than "
                f"one, and each matches a {singular}."
            )
            return
        self.stdout.write(
            f"Conductor has {_plural(found.listed, 'end-user')}: "
            f"{_plural(len(found.duplicates), singular, plural)} "
            f"{'has' if len(found.duplicates) == 1 else 'have'} more than one, and "
            f"{len(found.orphans)} {'matches' if len(found.orphans) == 1 else 'match'} "
            f"no {singular}."
        )
        for duplicate in found.duplicates:
            ids = ", ".join(
                f"{end_user.id} ({'stored' if end_user.id == duplicate.stored_id else 'extra'})"
                for end_user in duplicate.end_users
            )
            where = "" if duplicate.anchored else f" (it stores {duplicate.stored_id or 'no id'})"
            self.stdout.write(
                f"{model._meta.label} {duplicate.owner.pk} has "
                f"{len(duplicate.end_users)} end-users{where}: {ids}."
            )
        for end_user in found.orphans:
            self.stdout.write(
                f"{end_user.id} (sourceId {end_user.source_id!r}, companyName "
                f"{end_user.company_name!r}) matches no {singular}."
            )

    def _delete(self, found, client, dry_run):
        grace = app_settings.CREATE_GRACE_SECONDS
        reasons = {
            audit.KEPT_YOUNG: f"created less than CREATE_GRACE_SECONDS ({grace} s) ago",
            audit.KEPT_STORED: "a row stores it",
            audit.KEPT_UNANCHORED: "the row points to none of its end-users",
        }

        def report(duplicate, end_user, outcome, detail):
            whose = f"an extra end-user of {duplicate.owner._meta.label} {duplicate.owner.pk}"
            if outcome == "deleted":
                verb = "Would delete" if dry_run else "Deleted"
                self.stdout.write(f"{verb} {end_user.id} ({whose}).")
            elif outcome == "kept":
                self.stdout.write(f"Kept {end_user.id} ({whose}): {reasons[detail]}.")
            else:
                self.stderr.write(f"Could not delete {end_user.id} ({whose}): {describe(detail)}.")

        totals = audit.delete_extras(found.duplicates, client, dry_run=dry_run, on_result=report)
        if dry_run:
            self.stdout.write(
                f"Would delete {_plural(totals['deleted'], 'extra end-user')} and keep "
                f"{totals['kept']}; nothing was deleted (--dry-run)."
            )
        else:
            self.stdout.write(
                f"Deleted {_plural(totals['deleted'], 'extra end-user')}; kept {totals['kept']}; "
                f"{totals['failed']} failed."
            )
        return totals["failed"]
