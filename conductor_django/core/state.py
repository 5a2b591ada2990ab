"""The one-time state carried through a provider's hosted flow back to our callback.

A provider's redirect back is a plain URL anyone can forge, so the callback trusts only what we
put in it. Each state lives in the user's session (bound to that browser), names the user and
owner it was issued for (and, where the flow is about one thing, that thing: a Codat
connection), expires, and is consumed on first use; tokens are compared in constant time. Each
provider keeps its states under its own session key.
"""

from __future__ import annotations

import secrets
import time
from typing import Literal, NotRequired, TypedDict

from django.db.models import Model
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from .owners import owner_key

# A user may open a page in a few tabs; keep only the newest few pending states.
MAX_PENDING = 5
# The flow can outlast its link a little: the user may finish just before it expires.
GRACE_SECONDS = 30 * 60

#: Why a state was refused.
InvalidStateReason = Literal["missing", "unknown", "expired", "wrong_account"]


class PendingState(TypedDict):
    """One state as kept in the session (JSON-serializable)."""

    state: str
    user: str
    owner: str
    next: str
    expires: float
    #: What the flow is about (e.g. a Codat connection id); absent where it is about the owner.
    subject: NotRequired[str]


class InvalidState(Exception):
    def __init__(self, reason: InvalidStateReason) -> None:
        super().__init__(reason)
        self.reason: InvalidStateReason = reason


class OneTimeStates:
    """The states of one provider, kept in the session under ``session_key``."""

    def __init__(self, session_key: str) -> None:
        self.session_key = session_key

    def issue(
        self,
        request: HttpRequest,
        owner: Model,
        next_url: str | None,
        lifetime_seconds: float,
        *,
        subject: str | None = None,
    ) -> str:
        """A new token for a flow of ``lifetime_seconds`` (a grace period is added)."""
        token = secrets.token_urlsafe(32)
        pending: list[PendingState] = [
            entry
            for entry in request.session.get(self.session_key, [])
            if entry["expires"] > time.time()
        ]
        entry: PendingState = {
            "state": token,
            "user": str(request.user.pk),
            "owner": owner_key(owner),
            "next": next_url or "",
            "expires": time.time() + lifetime_seconds + GRACE_SECONDS,
        }
        if subject is not None:
            entry["subject"] = subject
        pending.append(entry)
        request.session[self.session_key] = pending[-MAX_PENDING:]
        return token

    def consume(
        self, request: HttpRequest, token: str | None, owner: Model, *, subject: str | None = None
    ) -> PendingState:
        """Validate and remove the state; returns it (its ``next`` URL, its ``subject``).

        With ``subject``, a state issued for another subject is refused as ``unknown``: a link
        for one connection cannot confirm another.
        """
        if not token:
            raise InvalidState("missing")
        pending: list[PendingState] = request.session.get(self.session_key, [])
        match = next((e for e in pending if constant_time_compare(e["state"], token)), None)
        if match is None:
            raise InvalidState("unknown")
        request.session[self.session_key] = [e for e in pending if e is not match]
        if match["expires"] <= time.time():
            raise InvalidState("expired")
        if match["user"] != str(request.user.pk) or match["owner"] != owner_key(owner):
            raise InvalidState("wrong_account")
        if subject is not None and match.get("subject") != subject:
            raise InvalidState("unknown")
        return match
