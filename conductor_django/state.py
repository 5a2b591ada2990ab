"""The one-time state carried through Conductor's hosted flow back to our callback.

Conductor adds nothing to ``redirectUrl``, so the callback can only trust what we put in it.
The state lives in the user's session (bound to that browser), names the user and owner it was
issued for, expires with the link, and is consumed on first use (``core.state``).
"""

from __future__ import annotations

# Imported for code that patches ``state.time.time`` (the clock the states are checked with).
import time  # noqa: F401

from django.db.models import Model
from django.http import HttpRequest

from .core.state import (
    GRACE_SECONDS,
    MAX_PENDING,
    InvalidState,
    InvalidStateReason,
    OneTimeStates,
    PendingState,
)

__all__ = [
    "GRACE_SECONDS",
    "MAX_PENDING",
    "SESSION_KEY",
    "InvalidState",
    "InvalidStateReason",
    "PendingState",
    "consume",
    "issue",
]

SESSION_KEY = "conductor_django_states"
_states = OneTimeStates(SESSION_KEY)


def issue(request: HttpRequest, owner: Model, next_url: str | None, expiry_minutes: int) -> str:
    return _states.issue(request, owner, next_url, expiry_minutes * 60)


def consume(request: HttpRequest, token: str | None, owner: Model) -> str:
    """Validate and remove the state; returns the ``next`` URL stored with it."""
    return _states.consume(request, token, owner)["next"]
