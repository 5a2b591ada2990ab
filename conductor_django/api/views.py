"""The API's views: read and refresh the connection status, start the hosted flow, disconnect.

Each request reaches only the owner its user resolves to (``CONDUCTOR["OWNER_RESOLVER"]``);
starting the flow and disconnecting also need ``CONDUCTOR["CAN_MANAGE_CONNECTION"]``.
"""

import math
from collections.abc import Callable, Mapping
from typing import Any, cast

from django.utils.http import urlencode
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from .. import checking, connection
from ..conf import app_settings
from ..connection import IssuedLink
from ..core.api import views as core
from ..core.api.errors import speaks_english
from ..core.redirects import safe_next
from ..models import AuthSessionRecord, ConductorEndUserMixin, ConnectionStatus
from ..owners import can_manage
from . import codes, errors
from .representation import DisconnectedBody, auth_session_body, status_body
from .schema import document

#: Seconds a client following a running check waits before it asks again.
POLL_AFTER = 1


class JSONAPIView(core.JSONAPIView):
    """What every route of the API shares, whatever the host's ``REST_FRAMEWORK`` says: JSON
    only (so neither the browsable API's templates nor rest_framework in INSTALLED_APPS are
    needed), no versioning scheme of the host's, and our error shape for every exception."""

    def get_exception_handler(self) -> Callable[..., Response]:
        return errors.exception_handler


class ConductorAPIView(core.OwnerAPIView, JSONAPIView):
    no_owner = codes.NO_OWNER
    not_allowed = codes.NOT_ALLOWED

    def owner(self) -> ConductorEndUserMixin:
        return cast(ConductorEndUserMixin, self.resolved_owner())

    def managed_owner(self) -> ConductorEndUserMixin:
        return cast(ConductorEndUserMixin, self.managed(self.owner()))

    def status_response(
        self,
        owner: ConductorEndUserMixin,
        record: ConnectionStatus | None,
        *,
        checking: bool = False,
        status_code: int = status.HTTP_200_OK,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        body = status_body(
            owner, record, can_manage=can_manage(self.request, owner), checking=checking
        )
        if checking:
            headers = {"Retry-After": str(POLL_AFTER), **(headers or {})}
        return Response(
            body, status=status_code, headers={"Cache-Control": "no-store", **(headers or {})}
        )

    def ask(self, request: Request) -> Response:
        """Ask for a health check and answer 202 at once, with where to follow it."""
        owner = self.owner()
        since = checking.request_check(owner)
        look = checking.look(owner.conductor_end_user_id, since)
        location = request.build_absolute_uri(f"../status/?{urlencode({'since': f'{since:.6f}'})}")
        return self.status_response(
            owner,
            look.status or connection.recorded_status(owner),
            checking=not look.final,
            status_code=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    def follow(self, owner: ConductorEndUserMixin, look: checking.Look) -> Response:
        """The check asked at ``look.since``: running, its answer, or why there is none."""
        if not look.final:
            return self.status_response(owner, connection.recorded_status(owner), checking=True)
        if look.status is not None:
            return self.status_response(owner, look.status)
        if look.state == "setting_up":
            return errors.error_response(
                503,
                codes.PROVISIONING_IN_PROGRESS,
                headers={"Retry-After": str(errors.PROVISIONING_RETRY_AFTER)},
            )
        if look.state == "error":
            message = look.message if speaks_english() else ""
            return errors.error_response(
                502,
                look.code or codes.CONDUCTOR_ERROR.code,
                message or codes.CONDUCTOR_ERROR.message,
                request_id=look.request_id,
            )
        # Conductor unreachable, or the check never finished.
        return errors.error_response(
            503,
            codes.CONDUCTOR_UNAVAILABLE,
            request_id=look.request_id,
            headers={"Retry-After": str(errors.RETRY_AFTER)},
        )


class StatusView(ConductorAPIView):
    """GET: the recorded status (no call to Conductor, never a wait); ``?since=`` follows the
    check asked then; ``?refresh=1`` asks for a check (202, as ``POST health-check/``)."""

    def get(self, request: Request) -> Response:
        if request.query_params.get("refresh") in ("1", "true", "yes"):
            return self.ask(request)
        owner = self.owner()
        since = request.query_params.get("since")
        if since is not None:
            look = checking.look(owner.conductor_end_user_id, _moment(since))
            return self.follow(owner, look)
        return self.status_response(
            owner, connection.recorded_status(owner), checking=checking.in_flight(owner)
        )


class HealthCheckView(ConductorAPIView):
    """POST: ask for a QuickBooks Desktop health check; 202 with a Location to follow it."""

    def post(self, request: Request) -> Response:
        return self.ask(request)


def _moment(value: str) -> float:
    try:
        since = float(value)
    except ValueError:
        raise errors.APIError(codes.INVALID_REQUEST) from None
    if not math.isfinite(since) or since <= 0:
        raise errors.APIError(codes.INVALID_REQUEST)
    return since


class AuthSessionView(ConductorAPIView):
    """POST: a fresh auth session; the front end sends the browser to its ``authFlowUrl``."""

    def post(self, request: Request) -> Response:
        owner = self.managed_owner()
        redirect_url = self.redirect_url(request)
        link: IssuedLink = connection.issue_auth_session(
            owner,
            reason=AuthSessionRecord.Reason.API,
            issued_by=request.user,
            redirect_url=redirect_url,
            expiry_minutes=app_settings.link_expiry("LINK_EXPIRY_MINUTES"),
        )
        return Response(
            auth_session_body(link),
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )

    def redirect_url(self, request: Request) -> str | None:
        # An empty body parses to {}; a JSON array, string or number is not the documented object.
        if not isinstance(request.data, Mapping):
            raise errors.APIError(codes.INVALID_REQUEST)
        url = request.data.get("redirectUrl")
        if url in (None, ""):
            return None
        if not isinstance(url, str):
            raise errors.APIError(codes.INVALID_REQUEST)
        if safe_next(request, url) is None:
            raise errors.APIError(codes.INVALID_REDIRECT_URL)
        # Conductor needs an absolute URI; a path is taken relative to this site.
        return request.build_absolute_uri(url)


class DisconnectView(ConductorAPIView):
    """POST or DELETE: delete the owner's Conductor end-user, and so its connection."""

    def post(self, request: Request) -> Response:
        owner = self.managed_owner()
        body: DisconnectedBody = {"disconnected": connection.disconnect(owner)}
        return Response(body, headers={"Cache-Control": "no-store"})

    def delete(self, request: Request) -> Response:
        return self.post(request)


class SchemaView(JSONAPIView):
    """GET: this API's OpenAPI 3.1 document, its server URL set to where the API is mounted."""

    authentication_classes = []
    permission_classes = []

    def get(self, request: Request) -> Response:
        return Response(document(request.build_absolute_uri("../")))


class NotFoundView(JSONAPIView):
    """Any other path under the API's mount: a 404 in the error shape, not Django's HTML page."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before any handler, so every method (OPTIONS and HEAD too) gets the same 404.
        super().initial(request, *args, **kwargs)
        raise NotFound()
