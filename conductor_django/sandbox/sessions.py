"""What the hosted auth flow does to the sandbox's state, shared by the flow pages, the
dashboard and ``control``."""

from typing import Final, Literal

from django.db import transaction
from django.utils import timezone

from .models import AuthSession, EndUser, IntegrationConnection, Scenario

#: What the tester picks at the end of the hosted flow.
Outcome = Literal["connect", "wrong_permission", "abandon"]
CONNECT: Final = "connect"
WRONG_PERMISSION: Final = "wrong_permission"
ABANDON: Final = "abandon"
OUTCOMES: tuple[Outcome, ...] = (CONNECT, WRONG_PERMISSION, ABANDON)

_SCENARIO_FOR_OUTCOME: dict[str, Scenario] = {
    CONNECT: Scenario.CONNECTED,
    # The user picked a QuickBooks permission other than "Yes, always; allow access even if
    # QuickBooks is not running": set up, but every later request is refused with 0x80040420.
    WRONG_PERMISSION: Scenario.PERMISSION_DENIED,
}


class FlowUnavailable(Exception):
    """The session cannot be used: ``reason`` is ``expired`` or ``completed``."""

    def __init__(self, reason: Literal["expired", "completed"]) -> None:
        super().__init__(reason)
        self.reason = reason


def ensure_connection(end_user: EndUser) -> IntegrationConnection:
    connection, _created = IntegrationConnection.objects.get_or_create(
        end_user=end_user, integration_slug="quickbooks_desktop"
    )
    return connection


def check_usable(session: AuthSession) -> None:
    if session.status == AuthSession.COMPLETED:
        raise FlowUnavailable("completed")
    if session.is_expired():
        raise FlowUnavailable("expired")


@transaction.atomic
def start(session: AuthSession) -> None:
    """The user opened the flow: Conductor creates the connection record at this point."""
    check_usable(session)
    if session.started_at is None:
        session.started_at = timezone.now()
    # An abandoned link still works until it expires, as the real one does.
    session.status = AuthSession.PENDING
    session.save(update_fields=["started_at", "status"])
    ensure_connection(session.end_user)


@transaction.atomic
def finish(session: AuthSession, outcome: str) -> AuthSession:
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}.")
    check_usable(session)
    now = timezone.now()
    session.started_at = session.started_at or now
    if outcome == ABANDON:
        session.status = AuthSession.ABANDONED
        session.outcome = ABANDON
        ensure_connection(session.end_user)
    else:
        session.status = AuthSession.COMPLETED
        session.outcome = outcome
        session.completed_at = now
        connection = ensure_connection(session.end_user)
        connection.scenario = _SCENARIO_FOR_OUTCOME[outcome]
        connection.save(update_fields=["scenario"])
    session.save(update_fields=["started_at", "status", "outcome", "completed_at"])
    return session
