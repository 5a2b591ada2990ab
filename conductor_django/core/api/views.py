"""The bases of every provider's API views: JSON only whatever the host's ``REST_FRAMEWORK``
says, the provider's error shape for every exception, and the owner the request resolves to
(``CONDUCTOR["OWNER_RESOLVER"]``), with ``CONDUCTOR["CAN_MANAGE_CONNECTION"]`` for changes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar, cast

from django.db.models import Model
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from ..owners import can_manage, resolve_owner
from .codes import ErrorCode
from .errors import APIError


class JSONAPIView(APIView, ABC):
    """What every route of an API shares, whatever the host's ``REST_FRAMEWORK`` says: JSON
    only (so neither the browsable API's templates nor rest_framework in INSTALLED_APPS are
    needed), no versioning scheme of the host's, and the provider's error shape for every
    exception (a subclass's ``get_exception_handler``)."""

    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    content_negotiation_class = DefaultContentNegotiation
    versioning_class = None

    @abstractmethod
    def get_exception_handler(self) -> Callable[..., Response]:
        """The provider's ``errors.exception_handler``."""

    def get_throttles(self) -> list[BaseThrottle]:
        # DRF binds DEFAULT_THROTTLE_CLASSES to APIView when it is imported; read per request,
        # these views follow the host's settings as they are (override_settings included).
        # The stubs type the setting as written (dotted paths); api_settings imports them.
        classes = cast(Sequence[type[BaseThrottle]], api_settings.DEFAULT_THROTTLE_CLASSES)
        return [throttle() for throttle in classes]


class OwnerAPIView(JSONAPIView):
    """A route about the request's owner. ``no_owner`` and ``not_allowed`` are the provider's
    codes for a user the resolver maps to no owner, and for a change the permission refuses."""

    # Authentication stays the project's DEFAULT_AUTHENTICATION_CLASSES, read per request too.
    permission_classes = [IsAuthenticated]
    no_owner: ClassVar[ErrorCode]
    not_allowed: ClassVar[ErrorCode]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Classes, as for the throttles above.
        classes = cast(
            Sequence[type[BaseAuthentication]], api_settings.DEFAULT_AUTHENTICATION_CLASSES
        )
        return [authenticator() for authenticator in classes]

    def resolved_owner(self) -> Model:
        owner: Model | None = resolve_owner(self.request)
        if owner is None:
            raise APIError(self.no_owner)
        return owner

    def managed(self, owner: Model) -> Model:
        """``owner``, once the request may manage its connections."""
        if not can_manage(self.request, owner):
            raise APIError(self.not_allowed)
        return owner
