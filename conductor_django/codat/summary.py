"""An owner's Codat connections summed up for a badge or a button: connected, needs attention,
pending, not connected. Built from the records only (no network)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import data_status, records
from .models import CodatConnection

Status = CodatConnection.Status

CONNECTED = "connected"
ATTENTION = "attention"
PENDING = "pending"
NOT_CONNECTED = "not_connected"
LABELS: dict[str, Promise] = {
    CONNECTED: _("Connected"),
    ATTENTION: _("Needs attention"),
    PENDING: _("Not finished"),
    NOT_CONNECTED: _("Not connected"),
}


@dataclass(frozen=True)
class Summary:
    """``connections``: the owner's connections as recorded, oldest first."""

    connections: tuple[CodatConnection, ...]

    @property
    def primary(self) -> CodatConnection | None:
        """The connection that speaks for the owner: a Linked accounting one, else any Linked
        one, else one that needs attention, else the newest."""
        rows = self.connections
        tests: tuple[Callable[[CodatConnection], bool], ...] = (
            lambda r: r.is_linked and r.is_accounting,
            lambda r: r.is_linked,
            lambda r: r.needs_reconnect,
        )
        for test in tests:
            found = [r for r in rows if test(r)]
            if found:
                return found[-1]
        return rows[-1] if rows else None

    @property
    def status(self) -> str:
        if any(r.needs_reconnect or r.data_status == r.DataStatus.FAILED for r in self.connections):
            return ATTENTION
        if any(r.is_linked for r in self.connections):
            return CONNECTED
        if any(r.status == Status.PENDING_AUTH for r in self.connections):
            return PENDING
        return NOT_CONNECTED

    @property
    def is_connected(self) -> bool:
        return any(r.is_linked for r in self.connections)

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def css_status(self) -> str:
        return self.status.replace("_", "-")

    @property
    def message(self) -> str:
        """What the owner should know, in their words: the primary connection's problem, else
        its first sync's progress, else nothing."""
        primary = self.primary
        if primary is None:
            return ""
        return records.error_words(primary) or data_status.words(primary)

    def __str__(self) -> str:
        return self.label
