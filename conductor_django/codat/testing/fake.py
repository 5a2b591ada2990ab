"""``FakeCodat``: Codat's Platform API held in memory, answering through ``responses``.

The sandbox's sibling for unit tests: the same shapes, texts, integration list and query
language (``conductor_django.codat.catalog``, ``shapes``, ``query``), no server, no database.
"""

import base64
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses
from requests.adapters import HTTPAdapter

from .. import catalog, shapes
from ..query import QueryError

JSON = dict[str, Any]
#: What a ``responses`` callback answers: status, headers, body.
Answer = tuple[int, dict[str, str], str]
DEFAULT_BASE_URL = "https://api.codat.io"
LINK_BASE = "https://link-api.codat.io"
# ``outage(401)`` stands for a revoked key.
_OUTAGE_TEXTS = {**catalog.OUTAGES, 401: catalog.UNAUTHORIZED}
_ESTABLISHED = (catalog.LINKED, catalog.DEAUTHORIZED)


def _now() -> datetime:
    return datetime.now(UTC)


def _settings() -> Mapping[str, Any]:
    from django.conf import settings

    return getattr(settings, "CODAT", None) or {}


class _Refused(Exception):
    def __init__(self, status: int, error: str, service: str = catalog.SERVICE) -> None:
        super().__init__(error)
        self.status, self.error, self.service = status, error, service


class FakeCodat:
    """Codat as seen through ``requests``.

    Arrange with ``add_company``/``add_connection``, move connections with ``link`` (the Link
    page's outcomes; returns the filled redirect URL), ``revoke``, ``set_sync_status``; break
    things with ``outage`` (an HTTP status, ``"network"``, ``"timeout"`` or ``"html"``) and
    ``late_create``. ``calls`` lists what the app sent; ``count`` counts it.

    ``base_url`` defaults to ``settings.CODAT["API_BASE_URL"]`` (else Codat's), ``api_key`` to
    ``settings.CODAT["API_KEY"]``: calls without ``Basic <base64 of the key>`` get 401.

    Started while another ``responses`` mock is active (``FakeConductor``, say), it answers
    Codat's calls and hands every other request to that one, so both fakes serve one test.
    """

    def __init__(self, base_url: str | None = None, api_key: str | None = None) -> None:
        codat = _settings()
        self.base_url = (base_url or codat.get("API_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else codat.get("API_KEY")
        self.redirect_url = ""
        self.client_id = str(uuid.uuid4())
        self.companies: dict[str, JSON] = {}
        self.connections: dict[str, JSON] = {}
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._outages: list[JSON] = []
        self._late: list[str] = []

    # Lifecycle

    def __enter__(self) -> "FakeCodat":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        underneath = HTTPAdapter.send
        if underneath is not responses._real_send:
            # Another fake (FakeConductor, a test's own responses mock) was started first: hand
            # it every request that is not Codat's, so both answer in one test.
            self.mock = responses.RequestsMock(
                assert_all_requests_are_fired=False, real_adapter_send=underneath
            )
            self.mock.add_passthru(re.compile(rf"^(?!{re.escape(self.base_url)}/)"))
        pattern = re.compile(re.escape(self.base_url) + r"/.*")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            self.mock.add_callback(method, pattern, callback=self._dispatch)
        self.mock.start()

    def stop(self) -> None:
        self.mock.stop()
        self.mock.reset()

    # Arranging a test

    def add_company(
        self, name: str, tags: Mapping[str, str] | None = None, description: str = ""
    ) -> JSON:
        company_id = str(uuid.uuid4())
        self.companies[company_id] = {
            "id": company_id,
            "name": name,
            "description": description,
            "tags": dict(tags or {}),
            "created": _now(),
            "visible": True,
        }
        return self.company_json(company_id)

    def add_connection(
        self, company_id: str, platform_key: str = "gbol", status: str = catalog.PENDING_AUTH
    ) -> JSON:
        entry = catalog.integration(platform_key)
        if entry is None or company_id not in self.companies:
            raise LookupError(f"No company {company_id!r} or integration {platform_key!r}.")
        connection_id = str(uuid.uuid4())
        self.connections[connection_id] = {
            "id": connection_id,
            "company_id": company_id,
            "key": platform_key,
            "status": status,
            "created": _now(),
            "last_sync": None,
            "errors": [],
            "sync": None,
        }
        return self.connection_json(connection_id)

    def set_status(self, connection_id: str, status: str) -> None:
        if status not in catalog.CONNECTION_STATUSES:
            raise ValueError(f"Unknown status {status!r}.")
        self.connections[connection_id]["status"] = status

    def set_sync_status(self, connection_id: str, status: str) -> None:
        """What ``dataStatus`` reports for the connection's data types (e.g. ``Queued``)."""
        self.connections[connection_id]["sync"] = status

    def _error(self, connection: JSON, code: int, text: str, message: str) -> None:
        connection["errors"].append(
            {"code": str(code), "text": text, "message": message, "at": _now(), "status": "Active"}
        )

    def link(
        self, connection_id: str, outcome: str = catalog.LINK, status_text: str = "", **params: str
    ) -> str | None:
        """Play the Link page: apply ``outcome`` (``catalog.LINK_OUTCOMES``) as the sandbox does
        and return the redirect URL filled from ``redirect_url`` and ``params`` (None without a
        template)."""
        connection = self.connections[connection_id]
        entry = catalog.integration(connection["key"])
        assert entry is not None
        chosen = catalog.LINK_OUTCOMES[outcome]
        code, message, text = chosen.status_code, chosen.error_message, status_text
        if outcome == catalog.LINK and self.other_established(connection):
            chosen = catalog.LINK_OUTCOMES[catalog.ERROR]
            code, message = chosen.status_code, chosen.error_message
            text = catalog.SECOND_ACCOUNTING_TEXT
        if chosen.name == catalog.LINK:
            for error in connection["errors"]:
                error["status"] = "Resolved"
            connection["status"] = catalog.LINKED
            offline = entry.is_offline_connector
            connection["sync"] = catalog.QUEUED if offline else catalog.COMPLETE
            connection["last_sync"] = None if offline else _now()
        elif chosen.connection_error is not None:
            text = text or chosen.status_text
            self._error(connection, code, text, chosen.connection_error[1])
        if not self.redirect_url:
            return None
        company = self.companies[connection["company_id"]]
        reserved = {
            "clientId": self.client_id,
            "companyId": company["id"],
            "connectionId": connection_id,
            "integrationId": entry.integration_id,
            "sourceId": entry.source_id,
            "platform": entry.key,
            "platformName": entry.name,
            "sourceType": entry.source_type,
            "statusCode": str(code),
            "errorMessage": message,
            "statusText": text,
            "data.company.companyName": company["name"],
        }
        return catalog.fill_redirect(self.redirect_url, reserved, params)

    def revoke(self, connection_id: str) -> None:
        """The user revoked access on the platform's side: Deauthorized, with its error."""
        connection = self.connections[connection_id]
        connection["status"] = catalog.DEAUTHORIZED
        text = catalog.DEAUTHORIZED_TEXT
        self._error(connection, 401, text, text)
        if connection["sync"]:
            connection["sync"] = catalog.AUTH_ERROR

    def outage(
        self, status: int | str = 503, times: int | None = None, retry_after: int | None = None
    ) -> None:
        """The next ``times`` calls (all, if None) fail with ``status``: an HTTP status, or
        ``"network"`` (a dropped connection), ``"timeout"`` or ``"html"`` (a proxy's 502 page)."""
        self._outages.append({"status": status, "times": times, "retry_after": retry_after})

    def end_outage(self) -> None:
        self._outages.clear()

    def late_create(self, times: int = 1, error: str = "timeout") -> None:
        """The next ``times`` company creates happen, but the caller gets ``error``
        (``"timeout"`` or ``"network"``) and the company is hidden from GET and list until
        ``reveal_late_creates()``: the "timed out but happened" case."""
        self._late.extend([error] * times)

    def reveal_late_creates(self) -> None:
        for company in self.companies.values():
            company["visible"] = True

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [
            (c.request.method or "", urlsplit(c.request.url or "").path) for c in self.mock.calls
        ]

    def count(self, method: str, path_suffix: str) -> int:
        return sum(1 for m, p in self.calls if m == method and p.endswith(path_suffix))

    # Shapes

    def connection_json(self, connection_id: str) -> JSON:
        c = self.connections[connection_id]
        entry = catalog.integration(c["key"])
        assert entry is not None
        errors = [
            shapes.connection_error_json(
                status_code=e["code"],
                status_text=e["text"],
                error_message=e["message"],
                errored_on=e["at"],
                status=e["status"],
                resolved_on=None,
            )
            for e in c["errors"]
        ]
        return shapes.connection_json(
            id=connection_id,
            entry=entry,
            link_url=f"{LINK_BASE}/companies/{c['company_id']}/connections/{connection_id}/start",
            status=c["status"],
            created=c["created"],
            last_sync=c["last_sync"],
            errors=errors,
        )

    def company_json(self, company_id: str) -> JSON:
        company = self.companies[company_id]
        connections = [
            self.connection_json(cid)
            for cid, c in self.connections.items()
            if c["company_id"] == company_id
        ]
        return shapes.company_json(
            id=company_id,
            name=company["name"],
            description=company["description"],
            redirect=f"https://link.codat.io/company/{company_id}",
            created=company["created"],
            tags=company["tags"],
            connections=connections,
        )

    # Answering

    def _dispatch(self, request: requests.PreparedRequest) -> Answer:
        if (outage := self._take_outage()) is not None:
            return self._fail(outage)
        expected = base64.b64encode(self.api_key.encode()).decode() if self.api_key else None
        if expected and request.headers.get("Authorization") != f"Basic {expected}":
            return self._body(401, shapes.error_body(401, catalog.UNAUTHORIZED))
        url = urlsplit(request.url or "")
        path = url.path[len(urlsplit(self.base_url).path) :] or "/"
        params = dict(parse_qsl(url.query))
        try:
            body = request.body
            payload = json.loads(body) if isinstance(body, bytes | str) and body else {}
            return self._route(request.method or "GET", path, params, payload)
        except _Refused as refused:
            error = shapes.error_body(refused.status, refused.error, service=refused.service)
            return self._body(refused.status, error)
        except (QueryError, shapes.PagingError) as exc:
            return self._body(
                400, shapes.error_body(400, str(exc), service=catalog.CLIENTS_SERVICE)
            )
        except ValueError:
            return self._body(400, shapes.error_body(400, catalog.BAD_REQUEST))

    @staticmethod
    def _body(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
        return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)

    def _take_outage(self) -> JSON | None:
        if not self._outages:
            return None
        outage = self._outages[0]
        if outage["times"] is not None:
            outage["times"] -= 1
            if outage["times"] <= 0:
                self._outages.pop(0)
        return outage

    def _fail(self, outage: JSON) -> Answer:
        status = outage["status"]
        if status == "network":
            raise requests.ConnectionError("Connection reset by peer (fake outage)")
        if status == "timeout":
            raise requests.ReadTimeout("Read timed out (fake outage)")
        if status == "html":
            return 502, {"Content-Type": "text/html"}, catalog.PROXY_502_HTML
        headers = {"Retry-After": str(outage["retry_after"])} if outage["retry_after"] else {}
        text = _OUTAGE_TEXTS.get(status, catalog.INTERNAL_ERROR)
        return self._body(status, shapes.error_body(status, text), headers)

    def _route(self, method: str, path: str, params: dict[str, str], payload: Any) -> Answer:
        from ._routes import route

        return route(self, method, path, params, payload)

    # Used by the routes

    def visible_company(self, company_id: str) -> JSON:
        company = self.companies.get(company_id)
        if company is None or not company["visible"]:
            raise _Refused(404, catalog.company_not_found(company_id), catalog.CLIENTS_SERVICE)
        return company

    def connection_of(self, company_id: str, connection_id: str) -> JSON:
        self.visible_company(company_id)
        connection = self.connections.get(connection_id)
        if connection is None or connection["company_id"] != company_id:
            raise _Refused(404, catalog.connection_not_found(connection_id))
        return connection

    def other_established(self, connection: JSON) -> JSON | None:
        """Another Linked or Deauthorized accounting connection of the same company."""
        entry = catalog.integration(connection["key"])
        if entry is None or entry.source_type != catalog.ACCOUNTING:
            return None
        for other in self.connections.values():
            other_entry = catalog.integration(other["key"])
            if (
                other is not connection
                and other["company_id"] == connection["company_id"]
                and other["status"] in _ESTABLISHED
                and other_entry is not None
                and other_entry.source_type == catalog.ACCOUNTING
            ):
                return other
        return None

    def new_late_error(self) -> str | None:
        return self._late.pop(0) if self._late else None
