"""What every provider's management commands share: choosing the owner model, a progress line,
and the sync command (give every owner its record, then report duplicates and orphans, and
delete the safe extras on request)."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db.models import Model, QuerySet

from .audit import KEPT_STORED, KEPT_UNANCHORED, KEPT_YOUNG, Audit, Duplicate, Outcome
from .owners import is_owner_model, owner_model

R = TypeVar("R")
MAX_CONCURRENCY = 32


def plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@dataclass(frozen=True)
class Nouns:
    """How a provider's commands name things: ``provider`` ("Conductor"), its ``record``
    ("end-user", with its plural and article), the owner model's ``field`` for the record's id
    and the ``mixin`` class name that adds it."""

    provider: str
    record: str
    records: str
    a_record: str
    field: str
    mixin: str


class OwnerCommand(BaseCommand):
    nouns: Nouns

    def records(self, count: int, extra: bool = False) -> str:
        """``3 end-users``, ``1 extra company``: a count of the provider's records."""
        nouns, prefix = self.nouns, "extra " if extra else ""
        return plural(count, prefix + nouns.record, prefix + nouns.records)

    def add_model_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--model",
            metavar="APP_LABEL.MODEL",
            help=(
                "The owner model, which must be the one the CONDUCTOR['OWNER_MODEL'] setting "
                f"names (by default the user model): only its rows get {self.nouns.records}."
            ),
        )

    def add_concurrency_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=int,
            default=4,
            metavar="N",
            help=(
                f"How many owners to work on at once (1 to {MAX_CONCURRENCY}; default 4). Each "
                "owner's requests are sent one after another, as QuickBooks serves one request "
                "per company file at a time."
            ),
        )

    def owner_model(self, label: str | None) -> type[Model]:
        nouns = self.nouns
        if not label:
            return owner_model()
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise CommandError(f"--model {label}: {exc}") from None
        if not any(field.name == nouns.field for field in model._meta.get_fields()):
            raise CommandError(f"--model {label}: {model._meta.label} does not use {nouns.mixin}.")
        if not is_owner_model(model):
            raise CommandError(
                f"--model {label}: {model._meta.label} is not the owner model "
                f"({owner_model()._meta.label}), so its rows get no {nouns.provider} "
                f"{nouns.record}. Leave --model out, or set CONDUCTOR['OWNER_MODEL'] to it."
            )
        return model

    def check_concurrency(self, concurrency: int) -> int:
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise CommandError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}.")
        return concurrency


class Progress:
    """A line per 10% done (or per row when there are few) on a stream, e.g. stderr, so the
    summary on stdout stays clean for scripts."""

    def __init__(self, total: int, stream: OutputWrapper, verb: str) -> None:
        self.total = total
        self.stream = stream
        self.verb = verb
        self.done = 0
        self._last_tenth = 0
        self._lock = threading.Lock()

    def step(self) -> None:
        with self._lock:
            self.done += 1
            tenth = self.done * 10 // max(self.total, 1)
            if tenth > self._last_tenth or self.done == self.total:
                self._last_tenth = tenth
                percent = min(100, self.done * 100 // max(self.total, 1))
                self.stream.write(f"{self.verb} {self.done}/{self.total} ({percent}%)")


class SyncCommand(OwnerCommand, Generic[R], ABC):
    """Give every owner without one its record at the provider, then report owners with more
    than one record for their key and records whose key matches no owner (one listing), and
    with ``--delete-duplicates`` delete the safe extras. A provider's command fills in the
    hooks below."""

    #: ``"sourceId"``: what the report calls the key a record carries for its owner.
    key_name: str

    # Hooks.

    @abstractmethod
    def list_records(self) -> list[R]: ...

    @abstractmethod
    def sync(
        self, missing: QuerySet[Any], concurrency: int, report: Any, listed: list[R]
    ) -> Counter[str]: ...

    @abstractmethod
    def audit(self, model: type[Model], listed: Iterable[R]) -> Audit[R]: ...

    @abstractmethod
    def delete_extras(
        self, duplicates: list[Duplicate[R]], dry_run: bool, report: Any
    ) -> dict[Outcome, int]: ...

    @abstractmethod
    def record_id(self, record: R) -> str: ...

    @abstractmethod
    def orphan(self, record: R, singular: str) -> str:
        """The report's line for a record matching no owner."""
        ...

    @abstractmethod
    def describe(self, error: Any) -> str: ...

    @abstractmethod
    def grace_seconds(self) -> Any: ...

    # The command.

    def add_arguments(self, parser: CommandParser) -> None:
        nouns = self.nouns
        self.add_model_argument(parser)
        self.add_concurrency_argument(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=(
                f"Change nothing: count the owners without {nouns.a_record} and report (and, "
                "with --delete-duplicates, list what would be deleted). Only the listing is "
                "sent."
            ),
        )
        parser.add_argument(
            "--delete-duplicates",
            action="store_true",
            help=(
                f"Delete the extra {nouns.records} of owners that have more than one: those the "
                "owner row does not point to, older than the create grace period and stored on "
                f"no row. {nouns.records.capitalize()} that match no owner are never deleted."
            ),
        )

    def handle(
        self,
        *args: Any,
        model: str | None = None,
        concurrency: int = 4,
        dry_run: bool = False,
        delete_duplicates: bool = False,
        **options: Any,
    ) -> None:
        nouns = self.nouns
        owners = self.owner_model(model)
        self.check_concurrency(concurrency)
        self.names = str(owners._meta.verbose_name), str(owners._meta.verbose_name_plural)
        listed = self.list_records()
        missing = owners._default_manager.filter(**{f"{nouns.field}__isnull": True})
        pending = missing.count()
        problems = []
        if dry_run:
            total = owners._default_manager.count()
            self.stdout.write(
                f"{pending} of {total} {self.names[1]} have no {nouns.provider} {nouns.record}; "
                "run without --dry-run to create them."
            )
        elif not pending:
            self.stdout.write(
                f"Every one of the {self.names[1]} already has {self._a_provider_record()}."
            )
        else:
            failed, created = self._sync(owners, missing, pending, concurrency, listed, options)
            if created:
                # The report is about the provider as this run leaves it.
                listed = self.list_records()
            if failed:
                problems.append(
                    f"{plural(failed, *self.names)} could not get {nouns.a_record}; run the "
                    "command again to retry them."
                )
        found = self.audit(owners, listed)
        self._report(owners, found)
        if delete_duplicates and found.duplicates:
            failed = self._delete(found, dry_run)
            if failed:
                problems.append(
                    f"{self.records(failed, extra=True)} could not be deleted; run the "
                    "command again to retry."
                )
        elif found.duplicates:
            extras = sum(len(duplicate.extras) for duplicate in found.duplicates)
            self.stdout.write(
                f"Run again with --delete-duplicates to delete the "
                f"{self.records(extras, extra=True)}; it keeps any younger than "
                "CREATE_GRACE_SECONDS or stored on a row."
            )
        if problems:
            raise CommandError(" ".join(problems))

    def _a_provider_record(self) -> str:
        nouns = self.nouns
        article = "an" if nouns.provider[0].lower() in "aeiou" else "a"
        return f"{article} {nouns.provider} {nouns.record}"

    def _sync(
        self,
        model: type[Model],
        missing: QuerySet[Any],
        pending: int,
        concurrency: int,
        listed: list[R],
        options: dict[str, Any],
    ) -> tuple[int, int]:
        nouns = self.nouns
        progress = Progress(pending, self.stderr, "Synced")

        def report(owner: Model, outcome: str, detail: Any) -> None:
            progress.step()
            if outcome == "failed":
                self.stderr.write(f"{model._meta.label} {owner.pk}: {detail}")
            elif options["verbosity"] >= 2:
                self.stderr.write(f"{model._meta.label} {owner.pk}: {outcome} {detail or ''}")

        totals = self.sync(missing, concurrency, report, listed)
        line = (
            f"Created {self.records(totals['created'])}; {totals['failed']} failed; "
            f"{totals['in_progress']} being created by another worker."
        )
        if totals["held"]:
            line += (
                f" {totals['held']} waiting for a create that may still complete at "
                f"{nouns.provider} (run the command again later)."
            )
        self.stdout.write(line)
        return totals["failed"], totals["created"]

    def _report(self, model: type[Model], found: Audit[R]) -> None:
        nouns = self.nouns
        singular, plural_name = self.names
        has = f"{nouns.provider} has {self.records(found.listed)}"
        if found.clean:
            self.stdout.write(
                f"{has}: no {singular} has more than one, and each matches a {singular}."
            )
            return
        self.stdout.write(
            f"{has}: {plural(len(found.duplicates), singular, plural_name)} "
            f"{'has' if len(found.duplicates) == 1 else 'have'} more than one, and "
            f"{len(found.orphans)} {'matches' if len(found.orphans) == 1 else 'match'} "
            f"no {singular}."
        )
        for duplicate in found.duplicates:
            ids = ", ".join(
                f"{self.record_id(record)} "
                f"({'stored' if self.record_id(record) == duplicate.stored_id else 'extra'})"
                for record in duplicate.records
            )
            where = "" if duplicate.anchored else f" (it stores {duplicate.stored_id or 'no id'})"
            self.stdout.write(
                f"{model._meta.label} {duplicate.owner.pk} has "
                f"{len(duplicate.records)} {nouns.records}{where}: {ids}."
            )
        for record in found.orphans:
            self.stdout.write(self.orphan(record, singular))

    def _delete(self, found: Audit[R], dry_run: bool) -> int:
        nouns = self.nouns
        reasons = {
            KEPT_YOUNG: f"created less than CREATE_GRACE_SECONDS ({self.grace_seconds()} s) ago",
            KEPT_STORED: "a row stores it",
            KEPT_UNANCHORED: f"the row points to none of its {nouns.records}",
        }

        def report(duplicate: Duplicate[R], record: R, outcome: Outcome, detail: Any) -> None:
            owner = duplicate.owner
            whose = f"an extra {nouns.record} of {owner._meta.label} {owner.pk}"
            record_id = self.record_id(record)
            if outcome == "deleted":
                verb = "Would delete" if dry_run else "Deleted"
                self.stdout.write(f"{verb} {record_id} ({whose}).")
            elif outcome == "kept":
                self.stdout.write(f"Kept {record_id} ({whose}): {reasons[detail]}.")
            else:
                self.stderr.write(
                    f"Could not delete {record_id} ({whose}): {self.describe(detail)}."
                )

        totals = self.delete_extras(found.duplicates, dry_run, report)
        extras = self.records(totals["deleted"], extra=True)
        if dry_run:
            self.stdout.write(
                f"Would delete {extras} and keep {totals['kept']}; nothing was deleted (--dry-run)."
            )
        else:
            self.stdout.write(
                f"Deleted {extras}; kept {totals['kept']}; {totals['failed']} failed."
            )
        return totals["failed"]
