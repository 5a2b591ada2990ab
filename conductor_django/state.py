"""The one-time state carried through Conductor's hosted flow back to our callback.

Conductor adds nothing to ``redirectUrl``, so the callback can only trust what we put in it.
The state lives in the user's session (bound to that browser), names the user and owner it was
issued for, expires with the link, and is consumed on first use.
"""

import secrets
import time
from typing import Literal, TypedDict

from django.db.models import Model
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

SESSION_KEY = "conductor_django_states"
# A user may open the settings page in a few tabs; keep only the newest few pending states.
MAX_PENDING = 5
# The flow can outlast the link a little: the user may finish just before it expires.
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


class InvalidState(Exception):
    def __init__(self, reason: InvalidStateReason) -> None:
        super().__init__(reason)
        self.reason: InvalidStateReason = reason


def _owner_key(owner: Model) -> str:
    return f"{owner._meta.label_lower}:{owner.pk}"


def issue(request: HttpRequest, owner: Model, next_url: str | None, expiry_minutes: int) -> str:
    token = secrets.token_urlsafe(32)
    pending: list[PendingState] = [
        entry for entry in request.session.get(SESSION_KEY, []) if entry["expires"] > time.time()
    ]
    pending.append(
        {
            "state": token,
            "user": str(request.user.pk),
            "owner": _owner_key(owner),
            "next": next_url or "",
            "expires": time.time() + expiry_minutes * 60 + GRACE_SECONDS,
        }
    )
    request.session[SESSION_KEY] = pending[-MAX_PENDING:]
    return token


def consume(request: HttpRequest, token: str | None, owner: Model) -> str:
    """Validate and remove the state; returns the ``next`` URL stored with it."""
    if not token:
        raise InvalidState("missing")
    pending: list[PendingState] = request.session.get(SESSION_KEY, [])
    match = next((e for e in pending if constant_time_compare(e["state"], token)), None)
    if match is None:
        raise InvalidState("unknown")
    request.session[SESSION_KEY] = [e for e in pending if e is not match]
    if match["expires"] <= time.time():
        raise InvalidState("expired")
    if match["user"] != str(request.user.pk) or match["owner"] != _owner_key(owner):
        raise InvalidState("wrong_account")
    return match["next"]
