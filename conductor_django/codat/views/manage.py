"""Reconnect, disconnect and delete one of the owner's connections: a GET shows what the
action does and asks to confirm, the POST does it. Only managers (``CAN_MANAGE_CONNECTION``)
may, and only for the owner's own connections.

- Reconnect sends the user through Codat's Link again (the connection's ``linkUrl`` with a new
  one-time state): a revoked or expired access is restored, a pending one finished.
- Disconnect unlinks: Codat stops syncing, and the data already read stays readable.
- Delete removes the connection at Codat, irreversibly.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ...core.redirects import safe_next
from .. import services
from ..models import CodatConnection
from ..outcomes import CodatProblem, Problem
from .common import connections_url, for_managers, page, problem_page

Action = Callable[[HttpRequest, Model, CodatConnection, str | None], HttpResponse]


def _recorded(owner: Model, connection_id: str) -> CodatConnection | None:
    return next(
        (c for c in services.list_connections(owner) if c.connection_id == connection_id), None
    )


def _confirmable(action: str, run: Action) -> Callable[[HttpRequest, str], HttpResponse]:
    @never_cache
    @login_required
    @require_http_methods(["GET", "HEAD", "POST"])
    @for_managers
    def view(request: HttpRequest, owner: Model, connection_id: str) -> HttpResponse:
        connection = _recorded(owner, connection_id)
        if connection is None:
            return problem_page(request, owner, CodatProblem(Problem.NOT_FOUND))
        source = request.POST if request.method == "POST" else request.GET
        next_url = safe_next(request, source.get("next"))
        if request.method != "POST":
            return page(
                request,
                "confirm.html",
                owner,
                action=action,
                connection=connection,
                platform=connection.platform_name or connection.platform_key,
                next_url=next_url or "",
            )
        try:
            return run(request, owner, connection, next_url)
        except CodatProblem as problem:
            return problem_page(request, owner, problem)

    view.__name__ = action
    return view


def _reconnect(
    request: HttpRequest, owner: Model, connection: CodatConnection, next_url: str | None
) -> HttpResponse:
    start = services.begin_reconnect(request, owner, connection.connection_id, next_url=next_url)
    return HttpResponseRedirect(start.url)


def _disconnect(
    request: HttpRequest, owner: Model, connection: CodatConnection, next_url: str | None
) -> HttpResponse:
    row = services.unlink_connection(owner, connection.connection_id)
    name = row.platform_name or row.platform_key
    messages.success(
        request,
        _("%(platform)s was disconnected. The data already read from it stays available.")
        % {"platform": name},
    )
    return HttpResponseRedirect(next_url or connections_url())


def _delete(
    request: HttpRequest, owner: Model, connection: CodatConnection, next_url: str | None
) -> HttpResponse:
    services.delete_connection(owner, connection.connection_id)
    name = connection.platform_name or connection.platform_key
    messages.success(request, _("The %(platform)s connection was deleted.") % {"platform": name})
    return HttpResponseRedirect(next_url or connections_url())


reconnect = _confirmable("reconnect", _reconnect)
disconnect = _confirmable("disconnect", _disconnect)
delete = _confirmable("delete", _delete)
