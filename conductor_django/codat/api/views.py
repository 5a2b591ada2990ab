"""The Codat API's views: the owner's connections (recorded, or refreshed in the background),
the platforms to pick from, starting a connection (the link to send the browser to),
reconnecting, unlinking and deleting.

Each request reaches only the owner its user resolves to (``CONDUCTOR["OWNER_RESOLVER"]``);
changes also need ``CONDUCTOR["CAN_MANAGE_CONNECTION"]``. No Codat failure becomes a 500: each
is a ``CodatProblem`` with its code (``codes``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model
from django.urls import reverse
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from ...core.api import views as core
from ...core.api.errors import APIError
from ...core.owners import can_manage
from ...core.redirects import safe_next
from .. import connections, integrations, link
from ..models import CodatLink
from ..outcomes import ConnectionStarted, LinkStart
from ..tasks import enqueue, refresh_owner_connections
from . import codes, errors
from .representation import (
    ConnectionsBody,
    DeletedBody,
    LinkBody,
    PlatformsBody,
    QueuedBody,
    connection_body,
    platform_body,
)
from .schema import document

NO_STORE = {"Cache-Control": "no-store"}


class CodatJSONView(core.JSONAPIView):
    def get_exception_handler(self) -> Callable[..., Response]:
        return errors.exception_handler


class CodatAPIView(core.OwnerAPIView, CodatJSONView):
    no_owner = codes.NO_OWNER
    not_allowed = codes.NOT_ALLOWED

    def owner(self) -> Model:
        return self.resolved_owner()

    def managed_owner(self) -> Model:
        return self.managed(self.owner())

    def body(self, request: Request) -> Mapping[str, Any]:
        # An empty body parses to {}; a JSON array, string or number is not the documented object.
        if not isinstance(request.data, Mapping):
            raise APIError(codes.INVALID_REQUEST)
        return request.data

    def next_url(self, request: Request, data: Mapping[str, Any]) -> str | None:
        url = data.get("redirectUrl")
        if url in (None, ""):
            return None
        if not isinstance(url, str):
            raise APIError(codes.INVALID_REQUEST)
        if safe_next(request, url) is None:
            raise APIError(codes.INVALID_REDIRECT_URL)
        return url


def _link_body(start: LinkStart) -> LinkBody:
    started: ConnectionStarted = start.started
    return {
        "connection": connection_body(started.connection),
        # A bearer link with our one-time state: for the browser that asked, and nowhere else.
        "linkUrl": start.url,
        "reused": started.reused,
        "replaced": connection_body(started.replaced) if started.replaced else None,
    }


class ConnectionsView(CodatAPIView):
    """GET: the recorded connections (no call to Codat; ``?refresh=1`` asks Codat first).
    POST ``{"platformKey", "replace"?, "redirectUrl"?}``: a connection ready for Link."""

    def get(self, request: Request) -> Response:
        owner = self.owner()
        if request.query_params.get("refresh") in ("1", "true", "yes"):
            rows = connections.refresh_connections(owner)
        else:
            rows = connections.list_connections(owner)
        body: ConnectionsBody = {
            "connections": [connection_body(row) for row in rows],
            "canManage": can_manage(request, owner),
        }
        return Response(body, headers=NO_STORE)

    def post(self, request: Request) -> Response:
        owner = self.managed_owner()
        data = self.body(request)
        platform_key = data.get("platformKey")
        replace = data.get("replace", False)
        if not isinstance(platform_key, str) or not platform_key:
            raise APIError(codes.INVALID_REQUEST)
        if replace not in (True, False, "true", "false", "1", "0"):
            raise APIError(codes.INVALID_REQUEST)
        start = link.begin_link(
            request,
            owner,
            platform_key,
            next_url=self.next_url(request, data),
            replace=replace in (True, "true", "1"),
            reason=CodatLink.Reason.API,
        )
        return Response(_link_body(start), status=status.HTTP_201_CREATED, headers=NO_STORE)


class ReconnectView(CodatAPIView):
    """POST ``{"redirectUrl"?}``: one of the account's connections, with a link to go through
    Link again."""

    def post(self, request: Request, connection_id: str) -> Response:
        owner = self.managed_owner()
        data = self.body(request)
        start = link.begin_reconnect(
            request,
            owner,
            connection_id,
            next_url=self.next_url(request, data),
            reason=CodatLink.Reason.API,
        )
        return Response(_link_body(start), status=status.HTTP_201_CREATED, headers=NO_STORE)


class ConnectionView(CodatAPIView):
    """DELETE: delete the connection at Codat (irreversible)."""

    def delete(self, request: Request, connection_id: str) -> Response:
        owner = self.managed_owner()
        connections.delete_connection(owner, connection_id)
        body: DeletedBody = {"deleted": True}
        return Response(body, headers=NO_STORE)


class UnlinkView(CodatAPIView):
    """POST: disconnect (Codat stops syncing; the data already read stays)."""

    def post(self, request: Request, connection_id: str) -> Response:
        owner = self.managed_owner()
        row = connections.unlink_connection(owner, connection_id)
        return Response(connection_body(row), headers=NO_STORE)


class RefreshView(CodatAPIView):
    """POST: ask Codat for the connections in the background; 202, then ``GET connections/``."""

    def post(self, request: Request) -> Response:
        owner = self.owner()
        label, pk = owner._meta.label, owner.pk
        enqueue(refresh_owner_connections, label, pk if isinstance(pk, int | str) else str(pk))
        body: QueuedBody = {"queued": True}
        match = request.resolver_match
        namespace = match.namespace if match is not None else "conductor_codat_api"
        location = reverse(f"{namespace}:connections")
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED,
            headers={**NO_STORE, "Location": location},
        )


class PlatformsView(CodatAPIView):
    """GET ``?q=``: the platforms the account may connect (cached, no Codat call when warm)."""

    def get(self, request: Request) -> Response:
        self.owner()
        query = request.query_params.get("q", "")
        body: PlatformsBody = {
            "platforms": [platform_body(p) for p in integrations.platforms(query=query)]
        }
        return Response(body)


class SchemaView(CodatJSONView):
    """GET: this API's OpenAPI 3.1 document, its server URL set to where the API is mounted."""

    authentication_classes = []
    permission_classes = []

    def get(self, request: Request) -> Response:
        return Response(document(request.build_absolute_uri("../")))


class NotFoundView(CodatJSONView):
    """Any other path under the API's mount: a 404 in the error shape."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound()
