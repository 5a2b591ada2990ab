"""``<mount>/control/``: the functions of ``control`` over HTTP, for out-of-process callers.

``POST`` a JSON object ``{"action": "<function name>", ...keyword arguments}`` with the sandbox
API key, as ``Authorization: Bearer <key>`` or as the API's ``Basic <base64 of the key>``.
Answers ``200 {"ok": true, "result": ...}``; ``400 {"ok": false, "error": "..."}`` for a bad
action or argument; ``404`` (same shape) for an unknown company, connection or delivery;
``401`` without the key; ``405`` for other methods.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ... import sandboxing
from . import config, control

ACTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(control, name)
    for name in (
        "reset",
        "companies",
        "create_company",
        "delete_company",
        "create_connection",
        "link_url",
        "complete_link",
        "fail_link",
        "relink",
        "revoke",
        "unlink",
        "delete_connection",
        "set_connector_online",
        "set_sync_outcome",
        "set_sync_timing",
        "advance_sync",
        "data_status",
        "set_redirect_url",
        "set_one_time_links",
        "expire_link",
        "set_faults",
        "fail_next",
        "late_create",
        "reveal_late_creates",
        "clear_faults",
        "faults",
        "request_log",
        "request_count",
        "webhook_deliveries",
        "deliver_pending",
        "deliver_out_of_order",
        "send_duplicate",
        "send_with_wrong_secret",
        "send_garbage",
        "replay_with_old_timestamp",
    )
}


@csrf_exempt
@config.require_enabled
def control_view(request: HttpRequest) -> JsonResponse:
    authorized = config.control_auth_ok(request)
    return sandboxing.control_response(
        request,
        ACTIONS,
        authorized=authorized,
        auth_hint="Pass the sandbox API key as a Bearer token or a Basic header.",
    )
