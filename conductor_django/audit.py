"""Conductor's end-users held against the owner rows: owners with more than one end-user for
their ``sourceId`` (a create that completed after we gave up, before the grace period existed or
beyond it) and end-users whose ``sourceId`` matches no row (``core.audit``).

What may be deleted is narrow: only an extra end-user of an owner whose row points to another one
of the same ``sourceId``, created longer than ``CREATE_GRACE_SECONDS`` ago, and stored on no row
of any model. End-users that match no row are only reported: they may belong to rows deleted
since, or to another application using the same Conductor project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from .client import ConductorClient, ConductorError, EndUser, NotFoundError
from .core import audit as core
from .core.audit import KEPT_STORED, KEPT_UNANCHORED, KEPT_YOUNG, Audit, Outcome
from .models import ConductorEndUserMixin
from .provisioning import grace

__all__ = [
    "KEPT_STORED",
    "KEPT_UNANCHORED",
    "KEPT_YOUNG",
    "Audit",
    "Duplicate",
    "audit",
    "delete_extras",
    "stored_anywhere",
]


def _pk(model: type[Model], source_id: str) -> object | None:
    try:
        found: object = model._meta.pk.to_python(source_id)
    except (ValidationError, TypeError, ValueError):
        return None
    return found


DIRECTORY: core.Directory[EndUser] = core.Directory(
    field="conductor_end_user_id",
    mixin=ConductorEndUserMixin,
    id_of=lambda end_user: end_user.id,
    key_of=lambda end_user: end_user.source_id,
    pk_for=_pk,
    created_of=lambda end_user: end_user.created_at,
)


class Duplicate(core.Duplicate[EndUser]):
    """An owner with more than one end-user for its ``sourceId``, oldest first."""

    @property
    def end_users(self) -> list[EndUser]:
        return self.records


def audit(model: type[Model], listed: Iterable[EndUser]) -> Audit[EndUser]:
    """Compare Conductor's end-users (``listed``) with the rows of the owner ``model``."""
    return core.audit(DIRECTORY, model, listed, Duplicate)


def stored_anywhere(end_user_id: str) -> bool:
    """Whether a row of any model with the mixin stores this id (owner model or not)."""
    return core.stored_anywhere(DIRECTORY, end_user_id)


def delete_extras(
    duplicates: Iterable[core.Duplicate[EndUser]],
    client: ConductorClient,
    *,
    dry_run: bool,
    on_result: Callable[[core.Duplicate[EndUser], EndUser, Outcome, Any], None],
) -> dict[Outcome, int]:
    """Delete the extra end-users that are safe to delete; ``on_result(duplicate, end_user,
    outcome, detail)`` for each, where outcome is ``deleted`` (in a dry run: would be), ``kept``
    (detail: ``KEPT_YOUNG``, ``KEPT_STORED`` or ``KEPT_UNANCHORED``) or ``failed`` (detail: the
    ``ConductorError``). Returns counts by outcome."""
    return core.delete_extras(
        duplicates,
        lambda end_user: client.delete_end_user(end_user.id),
        grace=grace(),
        gone=NotFoundError,
        failure=ConductorError,
        dry_run=dry_run,
        on_result=on_result,
    )
