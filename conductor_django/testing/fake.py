"""``FakeConductor``: Conductor's API held in memory, answering through ``responses``."""

import json
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Self, TypedDict
from urllib.parse import urlsplit

import requests
import responses
from django.db.models import Model
from urllib3.exceptions import NewConnectionError

from ..client.catalog import (
    GENERIC_USER_MESSAGE,
    HEALTH_CHECK_ERRORS,
    OUTAGES,
    PROXY_502_HTML,
    ErrorEnvelope,
    HealthCheckProblem,
    error_envelope,
    health_check_error,
)
from ..client.objects import (
    AuthSessionObject,
    DeletedEndUserObject,
    EndUserList,
    EndUserObject,
    HealthCheckObject,
)
from ..client.resources import format_timestamp
from ..conf import app_settings

#: What ``set_scenario`` accepts: ``"connected"`` passes the health check; each other name
#: answers as Conductor does in that state (``conductor_django.client.catalog``).
ScenarioName = Literal["connected"] | HealthCheckProblem
#: An outage that is not an HTTP status: a dropped connection, one refused before the request
#: left, no answer in time, a proxy's HTML 502 page.
OutageKind = Literal["network", "refused", "timeout", "html"]

SCENARIOS: tuple[ScenarioName, ...] = ("connected", *HEALTH_CHECK_ERRORS)
# ``outage(401)`` stands for a revoked key.
FAILURES: dict[int, tuple[str, str]] = {
    **OUTAGES,
    401: ("API_KEY_INVALID", "AUTHENTICATION_ERROR"),
}

#: What a ``responses`` callback answers: status, headers, body.
_Answer = tuple[int, dict[str, str], str]
#: A routed answer before it is encoded: status and JSON body.
_Routed = tuple[
    int,
    EndUserObject
    | EndUserList
    | DeletedEndUserObject
    | AuthSessionObject
    | HealthCheckObject
    | ErrorEnvelope,
]


class _Outage(TypedDict):
    status: int | OutageKind
    times: int | None
    retry_after: float | None
    method: str | None
    path: str | None


class _Late(TypedDict):
    seconds: float
    times: int


def _now() -> datetime:
    return datetime.now(UTC)


def _id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8)}"


class FakeConductor:
    """Conductor's API as seen through ``requests``, held in memory.

    End-users start in the ``not_set_up`` scenario; ``set_scenario`` puts one in any of
    ``SCENARIOS``; ``outage`` makes every call fail for a while; ``complete_late`` makes creates
    time out and complete afterwards. ``calls`` lists what was sent.
    """

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url: str = (base_url or app_settings.API_BASE_URL).rstrip("/")
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._end_users: dict[str, EndUserObject] = {}
        #: Each end-user's scenario, by end-user id.
        self.scenarios: dict[str, ScenarioName] = {}
        #: Every auth session created, oldest first, as Conductor answered it.
        self.auth_sessions: list[AuthSessionObject] = []
        self._outages: list[_Outage] = []
        self._late: list[_Late] = []
        # (visible from, per time.monotonic(), end-user): created, not yet shown by Conductor.
        self._pending: list[tuple[float, EndUserObject]] = []

    # Lifecycle

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        pattern = re.compile(re.escape(self.base_url) + r"/.*")
        for method in ("GET", "POST", "DELETE"):
            self.mock.add_callback(method, pattern, callback=self._dispatch)
        self.mock.start()

    def stop(self) -> None:
        self.mock.stop()
        self.mock.reset()

    # Arranging a test

    def end_user_id(self, owner: Model | str) -> str:
        """The owner's end-user id, creating the end-user (through the app) if it has none."""
        if isinstance(owner, str):
            return owner
        from ..provisioning import ensure_end_user

        return ensure_end_user(owner)

    def set_scenario(self, owner: Model | str, scenario: ScenarioName) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"Unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}.")
        self.scenarios[self.end_user_id(owner)] = scenario

    def outage(
        self,
        status: int | OutageKind = 503,
        times: int | None = None,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """The next ``times`` calls (all, if None) fail with ``status``: an HTTP status, or
        ``"network"`` (a dropped connection), ``"refused"`` (Conductor not reached at all: the
        request never left), ``"timeout"`` (no answer in time) or ``"html"``
        (a proxy's HTML 502 page). ``method`` and ``path`` (relative to the API root, e.g.
        ``"/end-users"``) restrict it to the calls they match."""
        self._outages.append(
            {
                "status": status,
                "times": times,
                "retry_after": retry_after,
                "method": method.upper() if method else None,
                "path": path,
            }
        )

    def end_outage(self) -> None:
        self._outages.clear()

    def complete_late(self, seconds: float = 5.0, times: int = 1) -> None:
        """The next ``times`` creates (``POST /end-users``) time out on the client's side, yet
        Conductor completes each: the end-user appears ``seconds`` after the client gave up.
        Until then it is in no answer (``end_users`` and every lookup), as on Conductor."""
        self._late.append({"seconds": float(seconds), "times": int(times)})

    @property
    def end_users(self) -> dict[str, EndUserObject]:
        """Conductor's end-users by id, as it shows them now (late creates once they landed)."""
        now = time.monotonic()
        for entry in [entry for entry in self._pending if entry[0] <= now]:
            self._pending.remove(entry)
            self._end_users[entry[1]["id"]] = entry[1]
        return self._end_users

    @property
    def calls(self) -> list[tuple[str, str]]:
        """(method, path) of every request the app sent, oldest first."""
        return [
            (call.request.method or "", urlsplit(call.request.url or "").path)
            for call in self.mock.calls
        ]

    def count(self, method: str, path_suffix: str) -> int:
        return sum(1 for m, p in self.calls if m == method and p.endswith(path_suffix))

    # Answering

    def _dispatch(self, request: requests.PreparedRequest) -> _Answer:
        request_id = _id("req_")
        headers = {"Conductor-Request-Id": request_id}
        method = request.method or "GET"
        path = urlsplit(request.url or "").path[len(urlsplit(self.base_url).path) :]
        if (outage := self._take_outage(method, path)) is not None:
            return self._fail(outage, headers, request_id)
        if request.headers.get("Authorization") != f"Bearer {app_settings.SECRET_KEY}":
            body = error_envelope(
                401,
                "API_KEY_INVALID",
                "AUTHENTICATION_ERROR",
                "Invalid API key.",
                GENERIC_USER_MESSAGE,
                request_id,
            )
            return 401, headers, json.dumps(body)
        status, answer = self._route(request, method, path, request_id)
        return status, headers, json.dumps(answer)

    def _take_outage(self, method: str, path: str) -> _Outage | None:
        for outage in self._outages:
            if outage["method"] not in (None, method) or outage["path"] not in (None, path):
                continue
            if outage["times"] is not None:
                outage["times"] -= 1
                if outage["times"] <= 0:
                    self._outages.remove(outage)
            return outage
        return None

    def _take_late(self) -> float | None:
        if not self._late:
            return None
        late = self._late[0]
        late["times"] -= 1
        if late["times"] <= 0:
            self._late.pop(0)
        return late["seconds"]

    def _fail(self, outage: _Outage, headers: dict[str, str], request_id: str) -> _Answer:
        status = outage["status"]
        if status == "network":
            raise requests.ConnectionError("Connection reset by peer (fake outage)")
        if status == "refused":
            # What urllib3 raises when nothing listens: the request provably never left.
            # The fake has no connection object to hand over; the client reads only the type.
            refused = NewConnectionError(None, "Connection refused (fake outage)")  # type: ignore[arg-type]
            raise requests.ConnectionError(refused)
        if status == "timeout":
            raise requests.ReadTimeout("Read timed out (fake outage)")
        if status == "html":
            return 502, {**headers, "Content-Type": "text/html"}, PROXY_502_HTML
        if outage["retry_after"] is not None:
            headers["Retry-After"] = str(outage["retry_after"])
        code, type_ = FAILURES.get(status, ("INTERNAL_SERVER_ERROR", "INTERNAL_ERROR"))
        body = error_envelope(status, code, type_, code, GENERIC_USER_MESSAGE, request_id)
        return status, headers, json.dumps(body)

    def _not_found(self, what: str, request_id: str) -> tuple[int, ErrorEnvelope]:
        body = error_envelope(
            404,
            "RESOURCE_MISSING",
            "INVALID_REQUEST_ERROR",
            f"No {what} found.",
            GENERIC_USER_MESSAGE,
            request_id,
        )
        return 404, body

    def _route(
        self, request: requests.PreparedRequest, method: str, path: str, request_id: str
    ) -> _Routed:
        payload: dict[str, Any] = json.loads(request.body) if request.body else {}
        if path == "/end-users" and method == "POST":
            late = self._take_late()
            end_user: EndUserObject = {
                "id": _id("end_usr_"),
                "objectType": "end_user",
                "createdAt": format_timestamp(_now() + timedelta(seconds=late or 0)),
                "companyName": payload["companyName"],
                "sourceId": payload["sourceId"],
                "email": payload["email"],
                "integrationConnections": [],
            }
            self.scenarios[end_user["id"]] = "not_set_up"
            if late is not None:
                self._pending.append((time.monotonic() + late, end_user))
                raise requests.ReadTimeout("Read timed out (fake: Conductor completes it later)")
            self.end_users[end_user["id"]] = end_user
            return 200, end_user
        if path == "/end-users" and method == "GET":
            return 200, {
                "objectType": "list",
                "url": "/v1/end-users",
                "data": list(self.end_users.values()),
            }
        if path.startswith("/end-users/"):
            end_user_id = path.removeprefix("/end-users/")
            if end_user_id not in self.end_users:
                return self._not_found("end-user", request_id)
            if method == "DELETE":
                del self.end_users[end_user_id]
                self.scenarios.pop(end_user_id, None)
                return 200, {"id": end_user_id, "objectType": "end_user", "deleted": True}
            return 200, self.end_users[end_user_id]
        if path == "/auth-sessions":
            if payload.get("endUserId") not in self.end_users:
                return self._not_found("end-user", request_id)
            return 200, self._auth_session(payload)
        if path == "/quickbooks-desktop/health-check":
            checked = request.headers.get("Conductor-End-User-Id") or ""
            if checked not in self.end_users:
                return self._not_found("end-user", request_id)
            scenario = self.scenarios.get(checked, "not_set_up")
            if scenario == "connected":
                return 200, {"duration": 12, "status": "ok"}
            return health_check_error(scenario, request_id)
        return self._not_found("route", request_id)

    def _auth_session(self, payload: dict[str, Any]) -> AuthSessionObject:
        secret = _id("auth_sess_client_secret_")
        key = payload["publishableKey"]
        created = _now()
        minutes = payload.get("linkExpiryMins", 30)
        session: AuthSessionObject = {
            "id": _id("auth_sess_"),
            "objectType": "auth_session",
            "createdAt": format_timestamp(created),
            "endUserId": payload["endUserId"],
            "clientSecret": secret,
            "authFlowUrl": f"https://connect.conductor.is/qbd/{secret}?key={key}",
            "expiresAt": format_timestamp(created + timedelta(minutes=minutes)),
            "redirectUrl": payload.get("redirectUrl"),
        }
        self.auth_sessions.append(session)
        return session
