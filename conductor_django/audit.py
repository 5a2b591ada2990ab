"""Conductor's end-users held against the owner rows: owners with more than one end-user for
their ``sourceId`` (a create that completed after we gave up, before the grace period existed or
beyond it) and end-users whose ``sourceId`` matches no row.

What may be deleted is narrow: only an extra end-user of an owner whose row points to another one
of the same ``sourceId``, created longer than ``CREATE_GRACE_SECONDS`` ago, and stored on no row
of any model. End-users that match no row are only reported: they may belong to rows deleted
since, or to another application using the same Conductor project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from .client import ConductorClient, ConductorError, EndUser, NotFoundError
from .models import ConductorEndUserMixin
from .provisioning import grace

CHUNK = 1000


@dataclass
class Duplicate:
    """An owner with more than one end-user for its ``sourceId``, oldest first."""

    owner: Model
    end_users: list[EndUser]

    @property
    def stored_id(self) -> str | None:
        return self.owner.conductor_end_user_id

    @property
    def anchored(self) -> bool:
        """Whether the row points to one of them: only then are the others known extras."""
        return any(end_user.id == self.stored_id for end_user in self.end_users)

    @property
    def extras(self) -> list[EndUser]:
        return [end_user for end_user in self.end_users if end_user.id != self.stored_id]


@dataclass
class Audit:
    listed: int
    duplicates: list[Duplicate] = field(default_factory=list)
    orphans: list[EndUser] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.duplicates and not self.orphans


def _pk(model: type[Model], source_id: str):
    try:
        return model._meta.pk.to_python(source_id)
    except (ValidationError, TypeError, ValueError):
        return None


def audit(model: type[Model], listed: Iterable[EndUser]) -> Audit:
    """Compare Conductor's end-users (``listed``) with the rows of the owner ``model``."""
    listed = list(listed)
    by_source: dict[str, list[EndUser]] = defaultdict(list)
    for end_user in sorted(listed, key=lambda end_user: (end_user.created_at, end_user.id)):
        by_source[end_user.source_id].append(end_user)
    keys = {source_id: _pk(model, source_id) for source_id in by_source}
    rows: dict[str, Model] = {}
    wanted = [pk for pk in keys.values() if pk is not None]
    for start in range(0, len(wanted), CHUNK):
        for row in model._default_manager.filter(pk__in=wanted[start : start + CHUNK]):
            rows[str(row.pk)] = row
    result = Audit(listed=len(listed))
    for source_id, end_users in by_source.items():
        row = rows.get(str(keys[source_id])) if keys[source_id] is not None else None
        if row is None:
            result.orphans.extend(end_users)
        elif len(end_users) > 1:
            result.duplicates.append(Duplicate(row, end_users))
    result.duplicates.sort(key=lambda duplicate: str(duplicate.owner.pk))
    return result


def stored_anywhere(end_user_id: str) -> bool:
    """Whether a row of any model with the mixin stores this id (owner model or not)."""
    return any(
        model._default_manager.filter(conductor_end_user_id=end_user_id).exists()
        for model in apps.get_models()
        if issubclass(model, ConductorEndUserMixin)
    )


# Why an extra end-user was kept rather than deleted.
KEPT_YOUNG = "young"
KEPT_STORED = "stored"
KEPT_UNANCHORED = "unanchored"


def delete_extras(
    duplicates: Iterable[Duplicate],
    client: ConductorClient,
    *,
    dry_run: bool,
    on_result: Callable[[Duplicate, EndUser, str, object], None],
) -> dict[str, int]:
    """Delete the extra end-users that are safe to delete; ``on_result(duplicate, end_user,
    outcome, detail)`` for each, where outcome is ``deleted`` (in a dry run: would be), ``kept``
    (detail: ``KEPT_YOUNG``, ``KEPT_STORED`` or ``KEPT_UNANCHORED``) or ``failed`` (detail: the
    ``ConductorError``). Returns counts by outcome."""
    totals = {"deleted": 0, "kept": 0, "failed": 0}
    cutoff = timezone.now() - grace()
    for duplicate in duplicates:
        owner = duplicate.owner
        # The row as it is now: a worker may have stored one of them since the listing.
        owner.refresh_from_db(fields=["conductor_end_user_id"])
        for end_user in duplicate.extras:
            if not duplicate.anchored:
                outcome, detail = "kept", KEPT_UNANCHORED
            elif end_user.created_at > cutoff:
                outcome, detail = "kept", KEPT_YOUNG
            elif stored_anywhere(end_user.id):
                outcome, detail = "kept", KEPT_STORED
            elif dry_run:
                outcome, detail = "deleted", None
            else:
                try:
                    client.delete_end_user(end_user.id)
                    outcome, detail = "deleted", None
                except NotFoundError:  # deleted meanwhile, e.g. by a concurrent run
                    outcome, detail = "deleted", None
                except ConductorError as exc:
                    outcome, detail = "failed", exc
            totals[outcome] += 1
            on_result(duplicate, end_user, outcome, detail)
    return totals
