"""Everything a page, a view or the API does with Codat, in one place. Each function raises
``CodatProblem`` (never Codat's own error) when it cannot do what was asked: ``problem.kind``
says why, ``problem.message`` says it to the user.

Records (no network):
    ``list_connections(owner)``, ``sync_words(connection)``, ``error_words(connection)``

Codat (network):
    ``company_id(owner)`` (lazy creation), ``refresh_connections(owner, max_age=)``,
    ``start_connection(owner, platform_key, replace=)``, ``reconnect(owner, connection_id)``,
    ``unlink_connection(owner, connection_id)``, ``delete_connection(owner, connection_id)``,
    ``platforms(query=)`` (cached: no call on a warm cache), ``platform(key)``

The Link round trip (a request with a session):
    ``begin_link(request, owner, platform_key, next_url=, replace=)``,
    ``begin_reconnect(request, owner, connection_id, next_url=)``,
    ``handle_return(request, owner)``, ``confirm_return(owner, connection_id, status_code)``,
    ``with_state(link_url, token)``, ``redirect_template(callback_url)``
"""

from .connections import (
    company_id,
    delete_connection,
    list_connections,
    reconnect,
    refresh_connections,
    start_connection,
    unlink_connection,
)
from .data_status import words as sync_words
from .integrations import Image, Platform, platform, platforms
from .link import (
    begin_link,
    begin_reconnect,
    confirm_return,
    handle_return,
    redirect_template,
    with_state,
)
from .models import CodatConnection, CodatLink
from .outcomes import (
    CodatProblem,
    ConnectionStarted,
    LinkStart,
    Problem,
    ReplaceAction,
    Replacement,
    ReturnKind,
    ReturnOutcome,
)
from .records import error_words

__all__ = [
    "CodatConnection",
    "CodatLink",
    "CodatProblem",
    "ConnectionStarted",
    "Image",
    "LinkStart",
    "Platform",
    "Problem",
    "ReplaceAction",
    "Replacement",
    "ReturnKind",
    "ReturnOutcome",
    "begin_link",
    "begin_reconnect",
    "company_id",
    "confirm_return",
    "delete_connection",
    "error_words",
    "handle_return",
    "list_connections",
    "platform",
    "platforms",
    "reconnect",
    "redirect_template",
    "refresh_connections",
    "start_connection",
    "sync_words",
    "unlink_connection",
    "with_state",
]
