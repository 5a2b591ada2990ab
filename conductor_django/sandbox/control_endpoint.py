"""``<mount>/control/``: the functions of ``control`` over HTTP, for out-of-process callers.

``POST`` a JSON object ``{"action": "<function name>", ...keyword arguments}`` with
``Authorization: Bearer <sandbox secret key>``. Answers ``200 {"ok": true, "result": ...}``;
``400 {"ok": false, "error": "..."}`` for a bad action or argument; ``404`` (same shape) for an
unknown end-user or auth session; ``401`` without the secret key; ``405`` for other methods.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .. import sandboxing
from . import config, control

ACTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(control, name)
    for name in (
        "reset",
        "set_scenario",
        "scenario",
        "set_faults",
        "fail_next",
        "clear_faults",
        "faults",
        "complete_auth_flow",
        "expire_auth_session",
        "auth_sessions",
        "end_users",
        "request_log",
        "request_count",
    )
}


@csrf_exempt
@config.require_enabled
def control_view(request: HttpRequest) -> JsonResponse:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    authorized = scheme.lower() == "bearer" and config.keys_match(
        token.strip(), config.secret_key()
    )
    return sandboxing.control_response(
        request,
        ACTIONS,
        authorized=authorized,
        auth_hint="Pass the sandbox secret key as a Bearer token.",
    )
