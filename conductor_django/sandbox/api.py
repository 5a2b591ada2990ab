"""The emulated Conductor API, answering under ``<mount>/v1/``.

One catch-all view routes every request itself so that unknown paths, wrong methods, faults and
the request log are handled in one place, all in Conductor's error envelope and all with a
``Conductor-Request-Id`` header. Order: latency → injected fault → route (404) → secret key
(401) → method (405) → endpoint.
"""

import re
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..client.objects import (
    AuthSessionObject,
    DeletedEndUserObject,
    EndUserList,
    EndUserObject,
    HealthCheckObject,
)
from . import config, errors, faults, ids, scenarios, serialize, validation
from .models import AuthSession, EndUser, FaultConfig, FaultKind, RequestLog

END_USER_HEADER = "Conductor-End-User-Id"


#: An endpoint: the request and the path's named groups in, the JSON body out (or ApiError).
Handler = Callable[..., object]


def _end_user_or_404(end_user_id: str) -> EndUser:
    try:
        return EndUser.objects.get(pk=end_user_id)
    except EndUser.DoesNotExist:
        raise errors.not_found(f"No end-user exists with the ID `{end_user_id}`.") from None


def list_end_users(request: HttpRequest) -> EndUserList:
    users = EndUser.objects.prefetch_related("connections")
    return {
        "objectType": "list",
        "url": "/v1/end-users",
        "data": [serialize.end_user(u) for u in users],
    }


def create_end_user(request: HttpRequest) -> EndUserObject:
    data = validation.end_user_body(request)
    user = EndUser.objects.create(
        company_name=data["companyName"], source_id=data["sourceId"], email=data["email"]
    )
    return serialize.end_user(user)


def retrieve_end_user(request: HttpRequest, end_user_id: str) -> EndUserObject:
    return serialize.end_user(_end_user_or_404(end_user_id))


def delete_end_user(request: HttpRequest, end_user_id: str) -> DeletedEndUserObject:
    user = _end_user_or_404(end_user_id)
    # Connections and auth sessions go with it (FK cascade), as on Conductor.
    user.delete()
    return {"id": end_user_id, "objectType": "end_user", "deleted": True}


def auth_flow_url(request: HttpRequest, session: AuthSession) -> str:
    namespace = getattr(request.resolver_match, "namespace", "") or "conductor_sandbox"
    path = reverse(f"{namespace}:flow", kwargs={"client_secret": session.client_secret})
    return request.build_absolute_uri(path) + "?" + urlencode({"key": session.publishable_key})


def create_auth_session(request: HttpRequest) -> AuthSessionObject:
    data = validation.auth_session_body(request)
    if not config.keys_match(data["publishableKey"], config.publishable_key()):
        raise errors.ApiError(
            400,
            "PUBLISHABLE_KEY_INVALID",
            "The field `publishableKey` does not match this project's publishable key.",
        )
    user = _end_user_or_404(data["endUserId"])
    now = timezone.now()
    session = AuthSession.objects.create(
        end_user=user,
        publishable_key=data["publishableKey"],
        redirect_url=data["redirectUrl"] or "",
        created_at=now,
        expires_at=now + timedelta(minutes=data["linkExpiryMins"]),
    )
    return serialize.auth_session(session, auth_flow_url(request, session))


def health_check(request: HttpRequest) -> HealthCheckObject:
    end_user_id = request.headers.get(END_USER_HEADER, "").strip()
    if not end_user_id:
        raise errors.invalid(
            f"The `{END_USER_HEADER}` header is required: set it to the ID of the end-user "
            "whose QuickBooks Desktop connection to check."
        )
    user = _end_user_or_404(end_user_id)
    return scenarios.health_check(user, user.connections.first())


ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/end-users$"), {"GET": list_end_users, "POST": create_end_user}),
    (
        re.compile(r"^/end-users/(?P<end_user_id>[^/]+)$"),
        {"GET": retrieve_end_user, "DELETE": delete_end_user},
    ),
    (re.compile(r"^/auth-sessions$"), {"POST": create_auth_session}),
    (re.compile(r"^/quickbooks-desktop/health-check$"), {"GET": health_check}),
]


def _route(request: HttpRequest, method: str, path: str) -> object:
    for pattern, handlers in ROUTES:
        match = pattern.match(path)
        if not match:
            continue
        if not config.keys_match(_bearer(request), config.secret_key()):
            raise errors.api_key_invalid()
        handler = handlers.get(method)
        if handler is None:
            raise errors.method_not_allowed(method, "/v1" + path, list(handlers))
        return handler(request, **match.groupdict())
    raise errors.not_found(f"Unknown API route: {method} /v1{path}.")


def _bearer(request: HttpRequest) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _answer(request: HttpRequest, method: str, path: str, request_id: str) -> HttpResponse:
    # No surrounding transaction: a slow health check must not hold SQLite's lock while it sleeps.
    try:
        return errors.json_response(_route(request, method, path), request_id)
    except errors.ApiError as error:
        return error.response(request_id)
    except IntegrityError:
        # Two racing writers (e.g. a flow completing during a delete): an upstream 500, not a crash.
        return errors.internal(500, "INTERNAL_SERVER_ERROR").response(request_id)


@csrf_exempt
@config.require_enabled
def dispatch(request: HttpRequest, api_path: str) -> HttpResponseBase:
    request_id = ids.new_request_id()
    # Django's handlers always set it; the stubs allow None for a bare HttpRequest().
    method = request.method or "GET"
    path = "/" + api_path.strip("/")
    fault_config = FaultConfig.load()
    faults.add_latency(fault_config)
    fault = faults.take(method, path, fault_config)
    log = RequestLog(
        request_id=request_id,
        method=method,
        path=path,
        end_user_id=request.headers.get(END_USER_HEADER, "")[:255],
        fault=fault.kind if fault else "",
    )
    if fault and fault.kind in (FaultKind.DELAY, FaultKind.COMPLETE_LATE):
        time.sleep(fault.delay_ms / 1000)
    if fault and fault.kind == FaultKind.DELAY:
        fault = None
    if fault and fault.kind == FaultKind.DROP:
        log.save()
        return faults.drop_connection(request)
    if fault and fault.kind not in faults.PROCESSED_THEN_DROPPED:
        response = faults.error_response(fault, request_id)
    else:
        response = _answer(request, method, path, request_id)
    log.status = response.status_code
    log.save()
    if fault and fault.kind in faults.PROCESSED_THEN_DROPPED:
        # The "timed out but happened" case: the work above is committed, the answer is lost.
        return faults.drop_connection(request)
    return response
