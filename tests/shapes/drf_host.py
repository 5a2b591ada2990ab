"""DRF classes and callables a host project might configure, for the API error-contract tests.

Each one says something a host's end-user must never see (developer text, an exception string,
another error shape): the tests check that the API's own shape and sentences win."""

from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

DEVELOPER_TEXT = "Invalid token header. Token string should not contain spaces."


class HeaderTokenAuthentication(BaseAuthentication):
    """A token scheme with a challenge, so DRF answers 401 rather than 403."""

    def authenticate(self, request: Any) -> None:
        if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
            raise AuthenticationFailed(DEVELOPER_TEXT)
        return None

    def authenticate_header(self, request: Any) -> str:
        return "Token"


class OnePerMinute(SimpleRateThrottle):
    """One request a minute per client, anonymous or not."""

    rate = "1/min"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return f"conductor-test-throttle-{self.get_ident(request)}"


class Locked(APIException):
    """A host's own exception with a status the API has no code of its own for."""

    status_code = 423
    default_detail = "Tenant 42 is locked by migration 0007."


def host_exception_handler(exc: Exception, context: Any) -> Response:
    """A host's EXCEPTION_HANDLER with its own shape."""
    return Response({"detail": f"host: {exc}", "errors": []}, status=418)


def broken_resolver(request: Any) -> None:
    """An OWNER_RESOLVER with a bug."""
    raise KeyError("tenant_id_secret_column")


def locked_resolver(request: Any) -> None:
    raise Locked()
