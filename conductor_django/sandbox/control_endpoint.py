"""``<mount>/control/``: the functions of ``control`` over HTTP, for out-of-process callers.

``POST`` a JSON object ``{"action": "<function name>", ...keyword arguments}`` with
``Authorization: Bearer <sandbox secret key>``. Answers ``200 {"ok": true, "result": ...}``;
``400 {"ok": false, "error": "..."}`` for a bad action or argument; ``404`` (same shape) for an
unknown end-user or auth session; ``401`` without the secret key; ``405`` for other methods.
"""

import inspect
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

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


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@csrf_exempt
@config.require_enabled
def control_view(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _error("Use POST.", 405)
        response["Allow"] = "POST"
        return response
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not config.keys_match(token.strip(), config.secret_key()):
        return _error("Pass the sandbox secret key as a Bearer token.", 401)
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _error("The body must be a JSON object.", 400)
    if not isinstance(payload, dict):
        return _error("The body must be a JSON object.", 400)
    action = ACTIONS.get(payload.pop("action", None))
    if action is None:
        return _error(f"`action` must be one of: {', '.join(ACTIONS)}.", 400)
    try:
        inspect.signature(action).bind(**payload)
    except TypeError as exc:
        return _error(str(exc), 400)
    try:
        result = action(**payload)
    except LookupError as exc:
        return _error(str(exc), 404)
    except ValueError as exc:
        return _error(str(exc), 400)
    return JsonResponse({"ok": True, "result": result})
