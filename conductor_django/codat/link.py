"""Into Codat's Link and back: our one-time state appended to a connection's ``linkUrl``, and
the return through the Portal's redirect template, confirmed with Codat.

Codat's redirect is set once per client (the Portal), not per call, and fills placeholders:
its reserved ones (``{statusCode}``, ``{connectionId}``…) and any other ``{name}`` from the
same-named query parameter we appended to the ``linkUrl``. Our state travels that way, as
``CODAT["STATE_PARAMETER"]``. The query string of the return is unsigned: it is a hint only.
The state is checked (bound to this browser, user, owner and connection), and the outcome is
Codat's own: the connection is Linked, or it is not.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from ..core.owners import stored_value
from ..core.state import InvalidState, OneTimeStates
from . import connections, data_status, records
from .catalog import RESERVED_PLACEHOLDERS
from .client import CodatClient, CodatError, errors
from .clients import get_client
from .conf import codat_settings
from .models import CodatConnection, CodatLink
from .outcomes import (
    RETURN_MESSAGES,
    STATE_MESSAGES,
    CodatProblem,
    ConnectionStarted,
    LinkStart,
    Problem,
    ReturnKind,
    ReturnOutcome,
)
from .problems import problems

logger = logging.getLogger("conductor_django.codat.link")

SESSION_KEY = "conductor_django_codat_states"
# A one-time linkUrl works for a day: a state lasts as long (plus the core's grace period).
LINK_LIFETIME_SECONDS = 24 * 60 * 60
#: Parameters the state may not be called: Codat's reserved placeholders, and the one-time
#: link's own ``otp``.
RESERVED_PARAMETERS = frozenset({*RESERVED_PLACEHOLDERS, "otp"})

states = OneTimeStates(SESSION_KEY)


def state_parameter() -> str:
    return str(codat_settings.STATE_PARAMETER)


def with_state(link_url: str, token: str, parameter: str | None = None) -> str:
    """``link_url`` with our state added as a query parameter, keeping what its query already
    holds (a one-time link's ``?otp=…``) and replacing an earlier state of ours."""
    name = parameter or state_parameter()
    parts = urlsplit(link_url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(key, value) for key, value in query if key != name] + [(name, token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def redirect_template(callback_url: str) -> str:
    """What to set as the redirect URL in Codat's Portal for ``callback_url`` (absolute): the
    reserved placeholders the return reads, and our state parameter."""
    state = state_parameter()
    query = f"statusCode={{statusCode}}&connectionId={{connectionId}}&{state}={{{state}}}"
    return f"{callback_url}?{query}"


def _begin(
    request: HttpRequest, owner: Model, started: ConnectionStarted, next_url: str | None
) -> LinkStart:
    token = states.issue(
        request,
        owner,
        next_url,
        LINK_LIFETIME_SECONDS,
        subject=started.connection.connection_id,
    )
    return LinkStart(with_state(started.link_url, token), started)


def begin_link(
    request: HttpRequest,
    owner: Model,
    platform_key: str,
    *,
    next_url: str | None = None,
    replace: bool = False,
    reason: str = CodatLink.Reason.PAGE,
) -> LinkStart:
    """Start connecting ``platform_key`` (``connections.start_connection``) and return where to
    send the browser: its link with a one-time state for this browser, user, owner and
    connection. ``next_url`` (already checked as safe by the caller) comes back with the return.
    Raises ``CodatProblem``."""
    started = connections.start_connection(
        owner, platform_key, replace=replace, issued_by=request.user, reason=reason
    )
    return _begin(request, owner, started, next_url)


def begin_reconnect(
    request: HttpRequest,
    owner: Model,
    connection_id: str,
    *,
    next_url: str | None = None,
    reason: str = CodatLink.Reason.PAGE,
) -> LinkStart:
    """Send one of the owner's connections through Link again (``connections.reconnect``), as
    ``begin_link``. Raises ``CodatProblem``."""
    started = connections.reconnect(owner, connection_id, issued_by=request.user, reason=reason)
    return _begin(request, owner, started, next_url)


def _status_code(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def handle_return(request: HttpRequest, owner: Model) -> ReturnOutcome:
    """Read a return from Link (``request.GET`` as the Portal's template fills it): check and
    consume our state, then confirm the outcome with Codat (``confirm_return``). Never raises
    for Codat's failures: they come back as ``UNCONFIRMED``."""
    token = request.GET.get(state_parameter())
    try:
        pending = states.consume(request, token, owner)
    except InvalidState as exc:
        return ReturnOutcome(
            ReturnKind.INVALID_STATE, str(STATE_MESSAGES[exc.reason]), invalid_state=exc.reason
        )
    connection_id = pending.get("subject", "")
    hint = request.GET.get("connectionId")
    if not connection_id or (hint and hint != connection_id):
        # A state issued for another connection cannot speak for this one.
        return ReturnOutcome(
            ReturnKind.INVALID_STATE, str(STATE_MESSAGES["unknown"]), invalid_state="unknown"
        )
    outcome = confirm_return(owner, connection_id, _status_code(request.GET.get("statusCode")))
    return ReturnOutcome(
        outcome.kind,
        outcome.message,
        connection=outcome.connection,
        next_url=pending["next"],
        status_code=outcome.status_code,
        problem=outcome.problem,
        reason=outcome.reason,
    )


def _kind(row: CodatConnection, status_code: int | None) -> ReturnKind:
    if row.status == CodatConnection.Status.LINKED:
        return ReturnKind.ALREADY_LINKED if status_code == 201 else ReturnKind.LINKED
    if status_code == 403:
        return ReturnKind.CANCELLED
    if status_code == 501:
        return ReturnKind.NOT_SUPPORTED
    if status_code in (200, 201, None):
        return ReturnKind.NOT_CONFIRMED
    return ReturnKind.FAILED


def confirm_return(owner: Model, connection_id: str, status_code: int | None) -> ReturnOutcome:
    """What a return from Link for ``connection_id`` came to, per Codat: ``GET`` the connection
    (of the owner's own company) and believe its status, whatever the redirect said. The
    redirect's ``status_code`` only tells a cancel from a failure when it is not Linked. Records
    the connection, the link's outcome, and the first sync's data status once Linked."""
    company: str | None = stored_value(owner.__class__, owner.pk, "codat_company_id")
    row = records.of_owner(owner).filter(connection_id=connection_id).first()
    platform = (row.platform_name or row.platform_key) if row else ""
    try:
        if not company:
            raise CodatProblem(Problem.NOT_FOUND)
        with problems(owner, f"confirm connection {connection_id}"):
            client = get_client()
            try:
                connection = client.get_connection(company, connection_id)
            except errors.NotFoundError:
                if row is not None:
                    records.mark_deleted(owner, row, timezone.now())
                raise CodatProblem(Problem.NOT_FOUND) from None
            row = records.apply(owner, company, connection, timezone.now())
            platform = row.platform_name or row.platform_key
            if row.status == CodatConnection.Status.LINKED:
                _first_sync(client, company, row)
    except CodatProblem as problem:
        if problem.kind == Problem.NOT_FOUND:
            kind = ReturnKind.NOT_CONFIRMED
        else:
            kind = ReturnKind.UNCONFIRMED
        _returned(connection_id, status_code, linked=False)
        return ReturnOutcome(
            kind,
            _words(kind, platform),
            connection=row,
            status_code=status_code,
            problem=problem if kind == ReturnKind.UNCONFIRMED else None,
        )
    kind = _kind(row, status_code)
    _returned(connection_id, status_code, linked=row.status == CodatConnection.Status.LINKED)
    return ReturnOutcome(
        kind,
        _words(kind, platform),
        connection=row,
        status_code=status_code,
        reason=row.error_message if kind == ReturnKind.FAILED else "",
    )


def _words(kind: ReturnKind, platform: str) -> str:
    name = platform or gettext("Your accounting software")
    return str(RETURN_MESSAGES[kind]) % {"platform": name}


def _first_sync(client: CodatClient, company: str, row: CodatConnection) -> None:
    try:
        statuses = client.get_data_status(company)
    except CodatError:
        return  # the connection is confirmed; its sync's progress shows on the next refresh
    data_status.apply([row], statuses, timezone.now())


def _returned(connection_id: str, status_code: int | None, *, linked: bool) -> None:
    """The link's outcome, on the newest link started for the connection."""
    link = CodatLink.objects.filter(connection_id=connection_id, returned_at__isnull=True).first()
    if link is None:
        return
    now = timezone.now()
    link.returned_at = now
    link.status_code = status_code
    if linked:
        link.completed_at = now
    link.save(update_fields=["returned_at", "status_code", "completed_at"])
