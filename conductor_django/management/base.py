"""What the app's management commands share: choosing the owner model, and a progress line
(``core.management``, with Conductor's words)."""

from __future__ import annotations

from typing import cast

from ..core import management as core
from ..core.management import MAX_CONCURRENCY, Progress
from ..models import ConductorEndUserMixin

__all__ = ["MAX_CONCURRENCY", "NOUNS", "OwnerCommand", "Progress"]

NOUNS = core.Nouns(
    provider="Conductor",
    record="end-user",
    records="end-users",
    a_record="an end-user",
    field="conductor_end_user_id",
    mixin="ConductorEndUserMixin",
)


class OwnerCommand(core.OwnerCommand):
    nouns = NOUNS

    def owner_model(self, label: str | None) -> type[ConductorEndUserMixin]:
        # E007 reports an owner model without the mixin before any command runs; a --model
        # has been checked for the mixin's field, which is all the commands use of the mixin.
        return cast(type[ConductorEndUserMixin], super().owner_model(label))
