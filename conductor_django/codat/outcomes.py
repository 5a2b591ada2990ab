"""What the service functions answer: typed results, and ``CodatProblem`` for every failure,
with the words a page shows and the kind an API maps to its error code.

No service function lets a ``CodatError`` (or a missing setting) out: each becomes a
``CodatProblem``, so a page can always answer with words and never with a 500.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..core.logs import owner_label
from ..core.state import InvalidStateReason
from .client import CodatError, errors
from .logs import describe

if TYPE_CHECKING:
    from django.db.models import Model

    from .models import CodatConnection

logger = logging.getLogger("conductor_django.codat.services")


class Problem(StrEnum):
    """Why a service function could not do what was asked."""

    #: No API key (``CODAT["API_KEY"]``): the operator must set it. Logged at ERROR.
    NOT_CONFIGURED = "not_configured"
    #: The owner's company is being created (or a create that may still complete at Codat
    #: holds new ones off): ask again after ``retry_at``.
    SETTING_UP = "setting_up"
    #: Codat unreachable, timing out, rate limiting, failing (5xx) or answering garbage.
    UNAVAILABLE = "unavailable"
    #: Codat refused the request (our key, a plan limit, anything the user cannot fix).
    REFUSED = "refused"
    #: The platform key is not among the enabled integrations of the configured source types.
    UNKNOWN_PLATFORM = "unknown_platform"
    #: The company already has an accounting connection to another platform (Codat allows one):
    #: ``replacement`` says what replacing it would do; ask again with ``replace=True``.
    ACCOUNTING_CONNECTED = "accounting_connected"
    #: No such connection for this owner (never theirs, or deleted).
    NOT_FOUND = "not_found"
    #: Only a Linked connection can be unlinked.
    NOT_LINKED = "not_linked"


MESSAGES: dict[Problem, Promise] = {
    Problem.NOT_CONFIGURED: _(
        "Connecting accounting software is not available right now. Please try again later."
    ),
    Problem.SETTING_UP: _(
        "Your account is being set up to connect accounting software. Please try again in a moment."
    ),
    Problem.UNAVAILABLE: _(
        "We could not reach the accounting connection service right now. Please try again in a "
        "few minutes."
    ),
    Problem.REFUSED: _("This request could not be completed. Please try again later."),
    Problem.UNKNOWN_PLATFORM: _("This accounting software is not available to connect."),
    Problem.ACCOUNTING_CONNECTED: _(
        "Your account is already connected to accounting software. Only one can be connected "
        "at a time."
    ),
    Problem.NOT_FOUND: _("This connection no longer exists."),
    Problem.NOT_LINKED: _("This connection is not active, so there is nothing to disconnect."),
}


class ReplaceAction(StrEnum):
    #: The old connection stops syncing; the data already read stays readable.
    UNLINK = "unlink"
    #: The old connection has lost its access already (Deauthorized): it is deleted.
    DELETE = "delete"


@dataclass(frozen=True)
class Replacement:
    """What connecting another accounting platform does to the one the company has."""

    existing: CodatConnection
    action: ReplaceAction

    @property
    def message(self) -> str:
        values = {"platform": self.existing.platform_name or self.existing.platform_key}
        if self.action == ReplaceAction.UNLINK:
            text = _(
                "Connecting another accounting software disconnects %(platform)s: it stops "
                "syncing, and the data already read from it stays available."
            )
        else:
            text = _(
                "%(platform)s has lost its access already: connecting another accounting "
                "software deletes that connection."
            )
        return str(text) % values


class CodatProblem(Exception):
    """A service function's failure: ``kind`` for code, ``message`` for the user (in the
    request's language), ``retry_at`` when it is worth asking again, ``error`` Codat's own
    error where there was one (for logs, never for the user)."""

    def __init__(
        self,
        kind: Problem,
        *,
        retry_at: datetime | None = None,
        error: CodatError | None = None,
        replacement: Replacement | None = None,
    ) -> None:
        super().__init__(kind.value)
        self.kind = kind
        self.retry_at = retry_at
        self.error = error
        self.replacement = replacement

    @property
    def message(self) -> str:
        return str(MESSAGES[self.kind])

    @property
    def is_transient(self) -> bool:
        """Worth trying again later as it is."""
        return self.kind in (Problem.SETTING_UP, Problem.UNAVAILABLE)

    def __repr__(self) -> str:
        return f"<CodatProblem {self.kind.value}>"


def from_error(error: CodatError, owner: Model | None, doing: str) -> CodatProblem:
    """``error`` as a problem, logged once at WARNING with the owner and what was being done
    (``"list the connections"``)."""
    whose = f" of {owner_label(owner)}" if owner is not None else ""
    logger.warning("Codat failed to %s%s: %s.", doing, whose, describe(error))
    if isinstance(error, errors.NotFoundError):
        return CodatProblem(Problem.NOT_FOUND, error=error)
    if error.is_outage or error.is_transient:
        return CodatProblem(Problem.UNAVAILABLE, error=error)
    return CodatProblem(Problem.REFUSED, error=error)


def not_configured(exc: ImproperlyConfigured) -> CodatProblem:
    logger.error("Codat cannot be called: %s", exc)
    return CodatProblem(Problem.NOT_CONFIGURED)


@dataclass(frozen=True)
class ConnectionStarted:
    """A connection ready for Link: the one created, or one reused (the same platform's pending
    one, or an accounting one sent to Link again). ``link_url`` is a bearer link: send the
    browser there and keep it nowhere; add our state with ``link.with_state``."""

    connection: CodatConnection
    link_url: str = field(repr=False)
    reused: bool
    #: The accounting connection replaced to make room for this one, if any.
    replaced: CodatConnection | None = None


@dataclass(frozen=True)
class LinkStart:
    """Where to send the browser: ``url`` is the connection's link with our one-time state."""

    url: str = field(repr=False)
    started: ConnectionStarted


class ReturnKind(StrEnum):
    """How a return from Link came out, confirmed with Codat."""

    LINKED = "linked"  # Codat says Linked (statusCode 200)
    ALREADY_LINKED = "already_linked"  # 201: nothing to do; Codat says Linked
    CANCELLED = "cancelled"  # 403: the user cancelled; back to the picker
    FAILED = "failed"  # 500, or the platform refused; back to the picker with the reason
    NOT_SUPPORTED = "not_supported"  # 501
    #: The redirect said it worked but Codat does not say Linked: not connected.
    NOT_CONFIRMED = "not_confirmed"
    #: Codat could not be asked: the outcome is not known yet (``problem`` says why).
    UNCONFIRMED = "unconfirmed"
    #: Our one-time state is missing, unknown, expired or another account's.
    INVALID_STATE = "invalid_state"


RETURN_MESSAGES: dict[ReturnKind, Promise] = {
    ReturnKind.LINKED: _("%(platform)s is connected."),
    ReturnKind.ALREADY_LINKED: _("%(platform)s was already connected."),
    ReturnKind.CANCELLED: _("Connecting %(platform)s was cancelled. You can pick it again below."),
    ReturnKind.FAILED: _("%(platform)s could not be connected. Please try again."),
    ReturnKind.NOT_SUPPORTED: _("%(platform)s cannot be connected to your account yet."),
    ReturnKind.NOT_CONFIRMED: _(
        "%(platform)s was not connected: the connection was not completed. Please try again."
    ),
    ReturnKind.UNCONFIRMED: _(
        "We could not confirm your %(platform)s connection yet. Please check again in a few "
        "minutes."
    ),
}
STATE_MESSAGES: dict[InvalidStateReason, Promise] = {
    "missing": _("This link is missing its security token."),
    "unknown": _("This link is not valid, or it has already been used."),
    "expired": _("This link has expired."),
    "wrong_account": _("This link was issued to a different account."),
}


@dataclass(frozen=True)
class ReturnOutcome:
    """What a return from Link came to. ``message`` is for the user; ``next_url`` is where the
    flow was started from (checked by the page before use); ``back_to_picker`` when the user
    should pick a platform again (cancelled, failed, not supported, not confirmed)."""

    kind: ReturnKind
    message: str
    connection: CodatConnection | None = None
    next_url: str = ""
    #: The redirect's ``statusCode`` (unsigned: a hint only), when it had one.
    status_code: int | None = None
    #: Why the state was refused (``INVALID_STATE``).
    invalid_state: InvalidStateReason | None = None
    #: Why Codat could not be asked (``UNCONFIRMED``).
    problem: CodatProblem | None = None
    #: What the platform said, from Codat's record of the connection (``FAILED``), if anything.
    reason: str = ""

    @property
    def connected(self) -> bool:
        return self.kind in (ReturnKind.LINKED, ReturnKind.ALREADY_LINKED)

    @property
    def back_to_picker(self) -> bool:
        return self.kind in (
            ReturnKind.CANCELLED,
            ReturnKind.FAILED,
            ReturnKind.NOT_SUPPORTED,
            ReturnKind.NOT_CONFIRMED,
        )
