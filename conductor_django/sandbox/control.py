"""Drive the sandbox from code (tests, benchmarks, shells). Every function acts on the database,
so it reaches a sandbox served by another thread (``live_server``) or process sharing the DB.
Out-of-process callers use the same functions through ``<mount>/control/`` (see
``control_endpoint``).

Errors: ``LookupError`` for an unknown end-user or auth session, ``ValueError`` for a bad
argument.
"""

import fnmatch
from collections.abc import Iterable
from datetime import timedelta
from typing import Literal, TypedDict, cast

from django.db import transaction
from django.utils import timezone

from ..client.objects import EndUserObject
from ..client.resources import format_timestamp
from . import serialize, sessions
from .models import (
    AuthSession,
    EndUser,
    FaultConfig,
    FaultKind,
    IntegrationConnection,
    PendingFault,
    RequestLog,
    Scenario,
)

#: ``models.Scenario``'s values, for type checkers (a test holds the two equal).
ScenarioName = Literal[
    "not_set_up", "connected", "qbd_not_running", "not_active", "permission_denied", "slow"
]
#: ``models.FaultKind``'s values, for type checkers (a test holds the two equal).
FaultKindName = Literal[
    "http_500",
    "http_502",
    "http_503",
    "html_502",
    "rate_limit",
    "drop",
    "drop_after",
    "delay",
    "complete_late",
]

SCENARIOS: tuple[ScenarioName, ...] = cast(tuple[ScenarioName, ...], tuple(Scenario.values))
FAULT_KINDS: tuple[FaultKindName, ...] = cast(tuple[FaultKindName, ...], tuple(FaultKind.values))


class PendingFaultState(TypedDict):
    kind: FaultKindName
    remaining: int
    method: str | None
    path: str | None


class FaultState(TypedDict):
    """What ``faults()`` (and ``set_faults``) answer."""

    latencyMs: int
    faultRate: float
    faultKinds: list[FaultKindName]
    retryAfterSeconds: int
    delayMs: int
    pending: list[PendingFaultState]


#: An auth session's status as ``auth_sessions`` reports it (a pending one past its expiry:
#: ``expired``).
SessionStatus = Literal["pending", "completed", "abandoned", "expired"]


class AuthSessionState(TypedDict):
    id: str
    endUserId: str
    clientSecret: str
    status: SessionStatus
    outcome: sessions.Outcome | None
    expiresAt: str
    redirectUrl: str | None


class SandboxEndUser(EndUserObject):
    """An end-user as the API shows it, plus its sandbox-only ``scenario``."""

    scenario: ScenarioName


class RequestLogEntry(TypedDict):
    requestId: str
    method: str
    path: str
    endUserId: str | None
    #: None when the connection was dropped without an answer.
    status: int | None
    fault: FaultKindName | None
    createdAt: str


def reset() -> None:
    """Forget everything: end-users (with their connections and auth sessions), faults, log."""
    with transaction.atomic():
        EndUser.objects.all().delete()
        RequestLog.objects.all().delete()
        PendingFault.objects.all().delete()
        FaultConfig.objects.all().delete()


def set_scenario(end_user_id: str, scenario: ScenarioName, delay_seconds: float = 0) -> None:
    """Switch an end-user's QuickBooks Desktop connection to ``scenario`` (one of ``SCENARIOS``);
    ``delay_seconds`` is how long ``slow`` health checks take.

    Any scenario but ``not_set_up`` makes the connection behave as set up, even if the end-user
    never finished (or never started) the auth flow: the connection record is created if needed.
    ``not_set_up`` takes it back to the 409 state.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"Unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}.")
    delay_seconds = float(delay_seconds or 0)
    if delay_seconds < 0:
        raise ValueError("delay_seconds must not be negative.")
    user = _end_user(end_user_id)
    connection = sessions.ensure_connection(user)
    connection.scenario = scenario
    connection.slow_seconds = delay_seconds
    connection.save(update_fields=["scenario", "slow_seconds"])


def scenario(end_user_id: str) -> ScenarioName:
    """The end-user's current scenario (``not_set_up`` when it has no connection yet)."""
    connection = _end_user(end_user_id).connections.first()
    return _scenario(connection)


def set_faults(
    latency_ms: int | None = None,
    fault_rate: float | None = None,
    fault_kinds: Iterable[FaultKindName] | None = None,
    retry_after_seconds: int | None = None,
    delay_ms: int | None = None,
) -> FaultState:
    """Change the API-wide fault settings; arguments left as None keep their value.

    ``latency_ms`` is added to every API request. With probability ``fault_rate`` (0..1) a request
    gets one of ``fault_kinds`` (a list from ``FAULT_KINDS``) at random. ``retry_after_seconds``
    is the ``Retry-After`` of ``rate_limit`` answers; ``delay_ms`` how long random ``delay`` and
    ``complete_late`` faults wait.
    """
    config = FaultConfig.load()
    if latency_ms is not None:
        config.latency_ms = _non_negative_int("latency_ms", latency_ms)
    if fault_rate is not None:
        fault_rate = float(fault_rate)
        if not 0 <= fault_rate <= 1:
            raise ValueError("fault_rate must be between 0 and 1.")
        config.fault_rate = fault_rate
    if fault_kinds is not None:
        config.fault_kinds = [_fault_kind(k) for k in fault_kinds]
    if retry_after_seconds is not None:
        config.retry_after_seconds = _non_negative_int("retry_after_seconds", retry_after_seconds)
    if delay_ms is not None:
        config.delay_ms = _non_negative_int("delay_ms", delay_ms)
    config.save()
    return faults()


def fail_next(
    n: int,
    kind: FaultKindName,
    method: str | None = None,
    path: str | None = None,
    retry_after_seconds: int = 1,
    delay_ms: int = 0,
) -> None:
    """The next ``n`` API requests get fault ``kind`` (one of ``FAULT_KINDS``).

    Restrict them with ``method`` (e.g. ``"POST"``) and ``path``, an fnmatch pattern relative to
    the API root (``"/end-users"``, ``"/end-users/*"``). ``drop_after`` processes the request (a
    POST /end-users really creates the end-user) and then drops the connection; ``delay`` waits
    ``delay_ms`` and answers normally; ``complete_late`` holds the connection for ``delay_ms``,
    then processes the request and drops the connection: with ``delay_ms`` above the client's
    read timeout, the end-user is created after the client gave up.
    """
    n = _non_negative_int("n", n)
    if n == 0:
        raise ValueError("n must be at least 1.")
    PendingFault.objects.create(
        kind=_fault_kind(kind),
        remaining=n,
        method=(method or "").upper(),
        path=path or "",
        retry_after_seconds=_non_negative_int("retry_after_seconds", retry_after_seconds),
        delay_ms=_non_negative_int("delay_ms", delay_ms),
    )


def clear_faults() -> None:
    """No latency, no random faults, no pending faults."""
    with transaction.atomic():
        PendingFault.objects.all().delete()
        FaultConfig.objects.all().delete()


def faults() -> FaultState:
    """The current fault settings and pending faults, as a dict."""
    config = FaultConfig.load()
    return {
        "latencyMs": config.latency_ms,
        "faultRate": config.fault_rate,
        "faultKinds": list(config.fault_kinds or []),
        "retryAfterSeconds": config.retry_after_seconds,
        "delayMs": config.delay_ms,
        "pending": [
            {
                "kind": _kind(p.kind),
                "remaining": p.remaining,
                "method": p.method or None,
                "path": p.path or None,
            }
            for p in PendingFault.objects.all()
        ],
    }


def complete_auth_flow(client_secret: str, outcome: sessions.Outcome = "connect") -> None:
    """Finish the hosted flow as the browser would: ``connect``, ``wrong_permission`` or
    ``abandon``. Raises ``LookupError`` for an unknown session, ``ValueError`` for an expired or
    already completed one."""
    session = _session(client_secret)
    try:
        sessions.finish(session, outcome)
    except sessions.FlowUnavailable as unavailable:
        raise ValueError(f"The auth session is {unavailable.reason}.") from None


def expire_auth_session(client_secret: str) -> None:
    """Make the session's link expired now (to see the expired page without waiting)."""
    session = _session(client_secret)
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save(update_fields=["expires_at"])


def auth_sessions(end_user_id: str | None = None) -> list[AuthSessionState]:
    """Auth sessions (oldest first) with their sandbox status, client secrets included."""
    qs = AuthSession.objects.all()
    if end_user_id:
        qs = qs.filter(end_user_id=end_user_id)
    return [
        {
            "id": s.id,
            "endUserId": s.end_user_id,
            "clientSecret": s.client_secret,
            # The model's statuses and the flow's outcomes, written by ``sessions`` only.
            "status": cast(SessionStatus, s.display_status),
            "outcome": cast(sessions.Outcome | None, s.outcome or None),
            "expiresAt": format_timestamp(s.expires_at),
            "redirectUrl": s.redirect_url or None,
        }
        for s in qs
    ]


def end_users() -> list[SandboxEndUser]:
    """Every end-user as the API's JSON object, plus ``scenario`` (sandbox-only)."""
    return [
        {
            **serialize.end_user(user),
            "scenario": _scenario(next(iter(user.connections.all()), None)),
        }
        for user in EndUser.objects.prefetch_related("connections")
    ]


def request_log(
    method: str | None = None, path: str | None = None, end_user_id: str | None = None
) -> list[RequestLogEntry]:
    """Logged API requests, oldest first, filtered like ``request_count``."""
    return [
        {
            "requestId": r.request_id,
            "method": r.method,
            "path": r.path,
            "endUserId": r.end_user_id or None,
            "status": r.status,
            "fault": _kind(r.fault) if r.fault else None,
            "createdAt": format_timestamp(r.created_at),
        }
        for r in _requests(method, path, end_user_id)
    ]


def request_count(
    method: str | None = None, path: str | None = None, end_user_id: str | None = None
) -> int:
    """How many API requests reached the sandbox, e.g. ``request_count("POST", "/end-users")``.

    ``path`` is relative to the API root and may be an fnmatch pattern (``"/end-users/*"``).
    Requests that got an injected fault count too: the sandbox saw them.
    """
    return len(_requests(method, path, end_user_id))


def _requests(method: str | None, path: str | None, end_user_id: str | None) -> list[RequestLog]:
    qs = RequestLog.objects.all()
    if method:
        qs = qs.filter(method=method.upper())
    if end_user_id:
        qs = qs.filter(end_user_id=end_user_id)
    if path and not any(c in path for c in "*?["):
        qs = qs.filter(path=path)
        path = None
    return [r for r in qs if not path or fnmatch.fnmatchcase(r.path, path)]


def _scenario(connection: IntegrationConnection | None) -> ScenarioName:
    # The field's choices are ``Scenario``, whose values ScenarioName spells out.
    return cast(ScenarioName, connection.scenario if connection else Scenario.NOT_SET_UP.value)


def _kind(value: str) -> FaultKindName:
    # Written through ``_fault_kind`` only, so one of FAULT_KINDS.
    return cast(FaultKindName, value)


def _end_user(end_user_id: str) -> EndUser:
    try:
        return EndUser.objects.get(pk=end_user_id)
    except EndUser.DoesNotExist:
        raise LookupError(f"No end-user {end_user_id!r} in the sandbox.") from None


def _session(client_secret: str) -> AuthSession:
    try:
        return AuthSession.objects.select_related("end_user").get(client_secret=client_secret)
    except AuthSession.DoesNotExist:
        raise LookupError("No auth session with that client secret in the sandbox.") from None


def _fault_kind(kind: str) -> FaultKindName:
    if kind not in FAULT_KINDS:
        raise ValueError(f"Unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}.")
    return _kind(kind)


def _non_negative_int(name: str, value: object) -> int:
    # Out-of-process callers send JSON: a whole float (3.0) counts, True does not.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer.")
    return int(value)
