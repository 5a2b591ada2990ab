"""The emulated Codat Platform API, answering under ``<mount>/``.

One catch-all view routes every request itself, so unknown paths, wrong methods, faults and the
request log are handled in one place, all in Codat's error shape. Order: latency → injected
fault → route (404) → API key (401) → method (405) → endpoint.
"""

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from .. import shapes
from . import config, endpoints, errors, faults, syncs
from .models import FaultKind, RequestLog, SandboxConfig

Handler = Callable[..., Any]

_ID = r"(?P<company_id>[^/]+)"
ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (
        re.compile(r"^/companies$"),
        {"GET": endpoints.list_companies, "POST": endpoints.create_company},
    ),
    (
        re.compile(rf"^/companies/{_ID}$"),
        {"GET": endpoints.get_company, "DELETE": endpoints.delete_company},
    ),
    (
        re.compile(rf"^/companies/{_ID}/connections$"),
        {"GET": endpoints.list_connections, "POST": endpoints.create_connection},
    ),
    (
        re.compile(rf"^/companies/{_ID}/connections/(?P<connection_id>[^/]+)$"),
        {
            "GET": endpoints.get_connection,
            "PATCH": endpoints.unlink_connection,
            "DELETE": endpoints.delete_connection,
        },
    ),
    (re.compile(rf"^/companies/{_ID}/dataStatus$"), {"GET": endpoints.data_status}),
    (re.compile(r"^/integrations$"), {"GET": endpoints.list_integrations}),
    (re.compile(r"^/integrations/(?P<key>[^/]+)$"), {"GET": endpoints.get_integration}),
    (re.compile(r"^/integrations/(?P<key>[^/]+)/branding$"), {"GET": endpoints.get_branding}),
    (re.compile(r"^/profile$"), {"GET": endpoints.get_profile, "PUT": endpoints.put_profile}),
]
_COMPANY_IN_PATH = re.compile(r"^/companies/([^/]+)")


def _route(request: HttpRequest, path: str) -> Any:
    for pattern, handlers in ROUTES:
        match = pattern.match(path)
        if not match:
            continue
        if not config.basic_auth_ok(request):
            raise errors.unauthorized()
        handler = handlers.get(request.method or "")
        if handler is None:
            raise errors.method_not_allowed(list(handlers))
        return handler(request, **match.groupdict())
    raise errors.route_not_found()


def _answer(request: HttpRequest, path: str, correlation: str) -> HttpResponse:
    # No surrounding transaction: a slow request must not hold SQLite's lock while it sleeps.
    try:
        result = _route(request, path)
    except errors.ApiError as error:
        return error.response(correlation)
    except IntegrityError:
        # Two racing writers (a Link page completing during a delete): an upstream 500.
        return errors.outage(500).response(correlation)
    return result if isinstance(result, HttpResponse) else errors.json_response(result)


@csrf_exempt
@config.require_enabled
def dispatch(request: HttpRequest, api_path: str) -> HttpResponseBase:
    correlation = shapes.correlation_id()
    path = "/" + api_path.strip("/")
    method = request.method or "GET"
    sandbox = SandboxConfig.load()
    faults.add_latency(sandbox)
    # Syncs move on with time; every request is a chance to notice (and to send their events).
    syncs.advance()
    fault = faults.take(method, path, sandbox)
    company = _COMPANY_IN_PATH.match(path)
    log = RequestLog(
        correlation_id=correlation,
        method=method,
        path=path[:500],
        company_id=company.group(1)[:36] if company else "",
        fault=fault.kind if fault else "",
    )
    if fault and fault.kind == FaultKind.DELAY:
        time.sleep(fault.delay_ms / 1000)
        fault = None
    if fault and fault.kind == FaultKind.DROP:
        log.save()
        return faults.drop_connection(request)
    if fault and fault.kind == FaultKind.LATE_CREATE:
        # Read by endpoints.create_company: the company exists but stays hidden this long.
        setattr(request, endpoints.VISIBLE_AFTER, timedelta(milliseconds=fault.delay_ms))
    if fault and fault.kind not in faults.PROCESS_THEN_DROP:
        response: HttpResponseBase = faults.error_response(fault, correlation)
    else:
        response = _answer(request, path, correlation)
    log.status = response.status_code
    log.save()
    if fault and fault.kind in faults.PROCESS_THEN_DROP:
        # The "timed out but happened" case: the work is committed, the answer is lost.
        return faults.drop_connection(request)
    return response
