"""``FakeCodat``'s endpoints: the same routes, status codes and rules as the sandbox's API."""

import json
import re
from typing import TYPE_CHECKING, Any

import requests

from .. import catalog, shapes
from ..query import compile_query
from .fake import JSON, Answer, _Refused

if TYPE_CHECKING:
    from .fake import FakeCodat

_NAME_FORBIDDEN = re.compile(r"[^A-Za-z0-9\s\-',&@.?!]")
_COMPANY = re.compile(r"^/companies/(?P<company>[^/]+)$")
_CONNECTIONS = re.compile(r"^/companies/(?P<company>[^/]+)/connections$")
_CONNECTION = re.compile(r"^/companies/(?P<company>[^/]+)/connections/(?P<connection>[^/]+)$")
_DATA_STATUS = re.compile(r"^/companies/(?P<company>[^/]+)/dataStatus$")
_INTEGRATION = re.compile(r"^/integrations/(?P<key>[^/]+)(?P<branding>/branding)?$")


def _ok(body: Any, status: int = 200) -> Answer:
    return status, {"Content-Type": "application/json"}, "" if body is None else json.dumps(body)


def _create_company(fake: "FakeCodat", payload: JSON) -> Answer:
    name = payload.get("name")
    if not isinstance(name, str) or not _NAME_FORBIDDEN.sub("", name).strip():
        raise _Refused(400, "The field `name` is required.")
    tags = payload.get("tags") or {}
    if not isinstance(tags, dict) or len(tags) > 10:
        raise _Refused(400, "The field `tags` takes at most 10 tags.")
    company = fake.add_company(
        _NAME_FORBIDDEN.sub("", name).strip(), tags, payload.get("description") or ""
    )
    late = fake.new_late_error()
    if late:
        fake.companies[company["id"]]["visible"] = False
        if late == "network":
            raise requests.ConnectionError("Connection reset by peer (fake late create)")
        raise requests.ReadTimeout("Read timed out (fake late create)")
    return _ok(company)


def _create_connection(fake: "FakeCodat", company_id: str, payload: JSON) -> Answer:
    fake.visible_company(company_id)
    key = payload.get("platformKey")
    entry = catalog.integration(key) if isinstance(key, str) else None
    if not key:
        raise _Refused(400, "The field `platformKey` is required.")
    if entry is None:
        raise _Refused(404, catalog.integration_not_found(str(key)))
    if not entry.enabled:
        raise _Refused(400, catalog.INTEGRATION_DISABLED.format(key=key))
    candidate = {"key": key, "company_id": company_id}
    existing = fake.other_established(candidate)
    if existing is not None:
        other = catalog.integration(existing["key"])
        raise _Refused(
            400,
            catalog.ONE_ACCOUNTING_CONNECTION.format(
                platform=other.name if other else existing["key"],
                id=existing["id"],
                status=existing["status"],
            ),
        )
    return _ok(fake.add_connection(company_id, key))


def _connection(fake: "FakeCodat", method: str, ids: dict[str, str], payload: JSON) -> Answer:
    connection = fake.connection_of(ids["company"], ids["connection"])
    if method == "GET":
        return _ok(fake.connection_json(connection["id"]))
    if method == "DELETE":
        body = fake.connection_json(connection["id"])
        del fake.connections[connection["id"]]
        return _ok(body)
    if method == "PATCH":
        if payload.get("status") != catalog.UNLINKED:
            raise _Refused(400, catalog.ONLY_UNLINKED_STATUS)
        if connection["status"] != catalog.LINKED:
            raise _Refused(
                400, catalog.ONLY_LINKED_CAN_BE_UNLINKED.format(status=connection["status"])
            )
        connection["status"] = catalog.UNLINKED
        return _ok(fake.connection_json(connection["id"]))
    raise _Refused(405, "Method not allowed.")


def _data_status(fake: "FakeCodat", company_id: str) -> Answer:
    fake.visible_company(company_id)
    result: JSON = {}
    for connection in fake.connections.values():
        entry = catalog.integration(connection["key"])
        if connection["company_id"] != company_id or not connection["sync"] or entry is None:
            continue
        for data_type in catalog.DATA_TYPES.get(entry.source_type, ()):
            complete = connection["sync"] == catalog.COMPLETE
            result[data_type] = shapes.data_status_json(
                data_type,
                connection["sync"],
                latest_sync_id=connection["id"],
                latest_successful_sync_id=connection["id"] if complete else None,
                last_successful_sync=connection["last_sync"] if complete else None,
            )
    return _ok(result)


def _integration(key: str, branding: bool) -> Answer:
    entry = catalog.integration(key)
    if entry is None:
        raise _Refused(404, catalog.integration_not_found(key))
    if branding:
        return _ok(shapes.branding_json(entry, lambda v: f"{_STATIC}/{v}/{entry.source_id}.png"))
    return _ok(shapes.integration_json(entry, f"{_STATIC}/logo-square/{entry.source_id}.png"))


_STATIC = "https://static.codat.io/public/officialLogos"


def route(
    fake: "FakeCodat", method: str, path: str, params: dict[str, str], payload: Any
) -> Answer:
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    if path == "/companies" and method == "POST":
        return _create_company(fake, payload)
    if path == "/companies" and method == "GET":
        items = [fake.company_json(cid) for cid, c in fake.companies.items() if c["visible"]]
        tagged = compile_query(params.get("tags"), resource="Company", known=None)
        return _ok(
            shapes.listing(
                items,
                params,
                path="/companies",
                resource="Company",
                fields=shapes.COMPANY_FIELDS,
                extra=lambda item: tagged(item["tags"]),
            )
        )
    if match := _COMPANY.match(path):
        company = fake.visible_company(match["company"])
        if method == "DELETE":
            for cid in [k for k, c in fake.connections.items() if c["company_id"] == company["id"]]:
                del fake.connections[cid]
            del fake.companies[company["id"]]
            return _ok(None, 204)
        return _ok(fake.company_json(company["id"]))
    if match := _CONNECTIONS.match(path):
        if method == "POST":
            return _create_connection(fake, match["company"], payload)
        fake.visible_company(match["company"])
        items = [
            fake.connection_json(cid)
            for cid, c in fake.connections.items()
            if c["company_id"] == match["company"]
        ]
        listing_path = f"/companies/{match['company']}/connections"
        return _ok(
            shapes.listing(
                items,
                params,
                path=listing_path,
                resource="Connection",
                fields=shapes.CONNECTION_FIELDS,
            )
        )
    if match := _CONNECTION.match(path):
        return _connection(fake, method, match.groupdict(), payload)
    if match := _DATA_STATUS.match(path):
        return _data_status(fake, match["company"])
    if path == "/integrations":
        items = [
            shapes.integration_json(e, f"{_STATIC}/logo-square/{e.source_id}.png")
            for e in catalog.INTEGRATIONS
        ]
        return _ok(
            shapes.listing(
                items,
                params,
                path="/integrations",
                resource="Integration",
                fields=shapes.INTEGRATION_FIELDS,
            )
        )
    if match := _INTEGRATION.match(path):
        return _integration(match["key"], bool(match["branding"]))
    if path == "/profile":
        if method == "PUT":
            fake.redirect_url = str(payload.get("redirectUrl") or "")
        return _ok({"name": "FakeCodat", "redirectUrl": fake.redirect_url, "whiteListUrls": []})
    raise _Refused(404, catalog.NOT_FOUND)
