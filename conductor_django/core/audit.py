"""A provider's records held against the owner rows: owners with more than one record for
their id (a create that completed after we gave up, before the grace period existed or beyond
it) and records whose id matches no row.

What may be deleted is narrow: only an extra record of an owner whose row points to another one
of the same id, created longer than the grace period ago, and stored on no row of any model.
Records that match no row are only reported: they may belong to rows deleted since, or to
another application using the same provider account.

Each provider says how to read its records (``Directory``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from django.apps import apps
from django.db.models import Model
from django.utils import timezone

R = TypeVar("R")

CHUNK = 1000
NEVER = datetime.max.replace(tzinfo=UTC)

# Why an extra record was kept rather than deleted.
KEPT_YOUNG = "young"
KEPT_STORED = "stored"
KEPT_UNANCHORED = "unanchored"

Outcome = Literal["deleted", "kept", "failed"]


@dataclass(frozen=True)
class Directory(Generic[R]):
    """How to read one provider's records against the owner rows."""

    #: The owner model's field holding the record's id, and the mixin that adds it.
    field: str
    mixin: type[Model]
    id_of: Callable[[R], str]
    #: Our key for the owner in the record (its ``sourceId``, its tag), or None if not ours.
    key_of: Callable[[R], str | None]
    #: The owner row's primary key a key stands for, or None when it names no row of ``model``.
    pk_for: Callable[[type[Model], str], object | None]
    #: When the provider created it (None: unknown, so never old enough to delete).
    created_of: Callable[[R], datetime | None]


@dataclass
class Duplicate(Generic[R]):
    """An owner with more than one record for its key, oldest first."""

    owner: Model
    records: list[R]
    directory: Directory[R]

    @property
    def stored_id(self) -> str | None:
        value: str | None = getattr(self.owner, self.directory.field)
        return value

    @property
    def anchored(self) -> bool:
        """Whether the row points to one of them: only then are the others known extras."""
        return any(self.directory.id_of(record) == self.stored_id for record in self.records)

    @property
    def extras(self) -> list[R]:
        return [r for r in self.records if self.directory.id_of(r) != self.stored_id]


@dataclass
class Audit(Generic[R]):
    listed: int
    duplicates: list[Duplicate[R]] = field(default_factory=list)
    orphans: list[R] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.duplicates and not self.orphans


def audit(
    directory: Directory[R],
    model: type[Model],
    listed: Iterable[R],
    duplicate: Callable[[Model, list[R], Directory[R]], Duplicate[R]] = Duplicate,
) -> Audit[R]:
    """Compare the provider's records (``listed``; those with no key of ours are left out)
    with the rows of the owner ``model``."""
    ours = [record for record in listed if directory.key_of(record) is not None]
    by_key: dict[str, list[R]] = defaultdict(list)
    for record in sorted(
        ours, key=lambda r: (directory.created_of(r) or NEVER, directory.id_of(r))
    ):
        by_key[directory.key_of(record) or ""].append(record)
    keys = {key: directory.pk_for(model, key) for key in by_key}
    rows: dict[str, Model] = {}
    wanted = [pk for pk in keys.values() if pk is not None]
    for start in range(0, len(wanted), CHUNK):
        for found in model._default_manager.filter(pk__in=wanted[start : start + CHUNK]):
            rows[str(found.pk)] = found
    result: Audit[R] = Audit(listed=len(ours))
    for key, records in by_key.items():
        pk = keys[key]
        row = rows.get(str(pk)) if pk is not None else None
        if row is None:
            result.orphans.extend(records)
        elif len(records) > 1:
            result.duplicates.append(duplicate(row, records, directory))
    result.duplicates.sort(key=lambda duplicate: str(duplicate.owner.pk))
    return result


def stored_anywhere(directory: Directory[Any], record_id: str) -> bool:
    """Whether a row of any model with the mixin stores this id (owner model or not)."""
    return any(
        model._default_manager.filter(**{directory.field: record_id}).exists()
        for model in apps.get_models()
        if issubclass(model, directory.mixin)
    )


def delete_extras(
    duplicates: Iterable[Duplicate[R]],
    delete: Callable[[R], object],
    *,
    grace: timedelta,
    gone: type[Exception],
    failure: type[Exception],
    dry_run: bool,
    on_result: Callable[[Duplicate[R], R, Outcome, Any], None],
) -> dict[Outcome, int]:
    """Delete the extra records that are safe to delete; ``on_result(duplicate, record,
    outcome, detail)`` for each, where outcome is ``deleted`` (in a dry run: would be), ``kept``
    (detail: ``KEPT_YOUNG``, ``KEPT_STORED`` or ``KEPT_UNANCHORED``) or ``failed`` (detail: the
    provider's error, a ``failure``). ``gone`` (the provider's not-found error) counts as
    deleted: a concurrent run got there first. Returns counts by outcome."""
    totals: dict[Outcome, int] = {"deleted": 0, "kept": 0, "failed": 0}
    cutoff = timezone.now() - grace
    for found in duplicates:
        # The row as it is now: a worker may have stored one of them since the listing.
        found.owner.refresh_from_db(fields=[found.directory.field])
        for record in found.extras:
            outcome: Outcome
            detail: Any = None
            if not found.anchored:
                outcome, detail = "kept", KEPT_UNANCHORED
            elif (found.directory.created_of(record) or NEVER) > cutoff:
                outcome, detail = "kept", KEPT_YOUNG
            elif stored_anywhere(found.directory, found.directory.id_of(record)):
                outcome, detail = "kept", KEPT_STORED
            elif dry_run:
                outcome = "deleted"
            else:
                try:
                    delete(record)
                    outcome = "deleted"
                except gone:
                    outcome = "deleted"
                except failure as exc:
                    outcome, detail = "failed", exc
            totals[outcome] += 1
            on_result(found, record, outcome, detail)
    return totals
