"""The API's views: read and refresh the connection status, start the hosted flow, disconnect.

Each request reaches only the owner its user resolves to (``CONDUCTOR["OWNER_RESOLVER"]``);
starting the flow and disconnecting also need ``CONDUCTOR["CAN_MANAGE_CONNECTION"]``.
"""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import connection
from ..conf import app_settings
from ..models import AuthSessionRecord
from ..owners import can_manage, resolve_owner
from ..views import safe_next
from . import errors
from .representation import auth_session_body, status_body
from .schema import document


class ConductorAPIView(APIView):
    # JSON only, so the API needs neither the browsable API's templates nor rest_framework in
    # INSTALLED_APPS; authentication stays the project's DEFAULT_AUTHENTICATION_CLASSES.
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self):
        return errors.exception_handler

    def owner(self):
        owner = resolve_owner(self.request)
        if owner is None:
            raise errors.APIError(
                status.HTTP_404_NOT_FOUND,
                "NO_OWNER",
                _("There is no account to connect to QuickBooks Desktop."),
            )
        return owner

    def managed_owner(self):
        owner = self.owner()
        if not can_manage(self.request, owner):
            raise errors.APIError(
                status.HTTP_403_FORBIDDEN,
                "NOT_ALLOWED",
                _("Only an administrator of your account can change its QuickBooks connection."),
            )
        return owner

    def status_response(self, owner, record):
        body = status_body(owner, record, can_manage=can_manage(self.request, owner))
        return Response(body, headers={"Cache-Control": "no-store"})


class StatusView(ConductorAPIView):
    """GET: the recorded status (no call to Conductor); ``?refresh=1`` runs a health check."""

    def get(self, request):
        owner = self.owner()
        if request.query_params.get("refresh") in ("1", "true", "yes"):
            return self.status_response(owner, connection.check(owner))
        return self.status_response(owner, connection.recorded_status(owner))


class HealthCheckView(ConductorAPIView):
    """POST: run the QuickBooks Desktop health check now and answer with the new status."""

    def post(self, request):
        owner = self.owner()
        return self.status_response(owner, connection.check(owner))


class AuthSessionView(ConductorAPIView):
    """POST: a fresh auth session; the front end sends the browser to its ``authFlowUrl``."""

    def post(self, request):
        owner = self.managed_owner()
        redirect_url = self.redirect_url(request)
        link = connection.issue_auth_session(
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

    def redirect_url(self, request):
        url = request.data.get("redirectUrl") if hasattr(request.data, "get") else None
        if url in (None, ""):
            return None
        if safe_next(request, url) is None:
            raise errors.APIError(
                status.HTTP_400_BAD_REQUEST,
                "INVALID_REDIRECT_URL",
                _("The address to return to after connecting must be on this site."),
            )
        # Conductor needs an absolute URI; a path is taken relative to this site.
        return request.build_absolute_uri(url)


class DisconnectView(ConductorAPIView):
    """POST or DELETE: delete the owner's Conductor end-user, and so its connection."""

    def post(self, request):
        owner = self.managed_owner()
        disconnected = connection.disconnect(owner)
        return Response({"disconnected": disconnected}, headers={"Cache-Control": "no-store"})

    def delete(self, request):
        return self.post(request)


class SchemaView(APIView):
    """GET: this API's OpenAPI 3.1 document, its server URL set to where the API is mounted."""

    renderer_classes = [JSONRenderer]
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response(document(request.build_absolute_uri("../")))
