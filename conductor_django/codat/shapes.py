"""Codat's JSON shapes, built from plain values so the sandbox (from its models) and ``FakeCodat``
(from dicts) answer byte-for-byte alike: companies, connections, integrations, branding, pages,
errors, data statuses and webhook envelopes."""

import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from . import catalog
from .query import QueryError, compile_query

JSON = dict[str, Any]

# The top-level properties a ``query`` may name, per resource.
COMPANY_FIELDS = (
    "id",
    "name",
    "description",
    "redirect",
    "created",
    "lastSync",
    "createdByUserName",
    "products",
    "tags",
    "dataConnections",
    "referenceSubsidiaryCompanies",
)
CONNECTION_FIELDS = (
    "id",
    "integrationId",
    "integrationKey",
    "sourceId",
    "sourceType",
    "platformName",
    "linkUrl",
    "status",
    "lastSync",
    "created",
    "dataConnectionErrors",
    "connectionInfo",
)
INTEGRATION_FIELDS = (
    "key",
    "logoUrl",
    "name",
    "enabled",
    "sourceId",
    "sourceType",
    "integrationId",
    "isOfflineConnector",
    "isBeta",
    "dataProvidedBy",
)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000  # the spec's pageSize maximum


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and a ``Z``, as Codat writes them."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def correlation_id() -> str:
    return secrets.token_hex(16)


def error_body(
    status: int,
    error: str,
    *,
    service: str = catalog.SERVICE,
    correlation: str | None = None,
    validation: Mapping[str, Any] | None = None,
) -> JSON:
    """Codat's ErrorMessage: ``canBeRetried`` is a string, ``detailedErrorCode`` 0."""
    return {
        "statusCode": status,
        "service": service,
        "error": error,
        "correlationId": correlation or correlation_id(),
        "validation": dict(validation) if validation else None,
        "canBeRetried": catalog.CAN_BE_RETRIED,
        "detailedErrorCode": 0,
    }


def validation_error(field: str, message: str) -> JSON:
    return {"errors": [{"itemId": field, "message": message, "validatorName": field}]}


def integration_json(entry: catalog.Integration, logo_url: str) -> JSON:
    return {
        "key": entry.key,
        "logoUrl": logo_url,
        "name": entry.name,
        "enabled": entry.enabled,
        "sourceId": entry.source_id,
        "sourceType": entry.source_type,
        "integrationId": entry.integration_id,
        "isOfflineConnector": entry.is_offline_connector,
        "isBeta": entry.is_beta,
        "dataProvidedBy": entry.data_provided_by or entry.name,
    }


def branding_json(entry: catalog.Integration, asset_url: Callable[[str], str]) -> JSON:
    """``asset_url(variant)`` gives the image URL for ``logo-full``, ``logo-square``,
    ``button`` and ``button-hover``."""
    name = entry.name

    def image(variant: str, alt: str) -> JSON:
        return {"image": {"src": asset_url(variant), "alt": alt}}

    return {
        "logo": {
            "full": image("logo-full", f"{name} full icon"),
            "square": image("logo-square", f"{name} square icon"),
        },
        "button": {
            "default": image("button", f"{name} default button icon"),
            "hover": image("button-hover", f"{name} hover button icon"),
        },
        "sourceId": entry.source_id,
    }


def connection_error_json(
    *,
    status_code: str,
    status_text: str,
    error_message: str,
    errored_on: datetime,
    status: str | None,
    resolved_on: datetime | None,
) -> JSON:
    body: JSON = {
        "statusCode": status_code,
        "statusText": status_text,
        "errorMessage": error_message,
        "erroredOnUtc": timestamp(errored_on),
        "status": status,
    }
    if resolved_on is not None:
        body["resolvedOnUtc"] = timestamp(resolved_on)
    return body


def connection_json(
    *,
    id: str,  # noqa: A002 - Codat's field name
    entry: catalog.Integration,
    link_url: str,
    status: str,
    created: datetime,
    last_sync: datetime | None = None,
    errors: Sequence[JSON] = (),
) -> JSON:
    body: JSON = {
        "id": id,
        "integrationId": entry.integration_id,
        "integrationKey": entry.key,
        "sourceId": entry.source_id,
        "platformName": entry.name,
        "linkUrl": link_url,
        "status": status,
        "created": timestamp(created),
        "sourceType": entry.source_type,
    }
    if last_sync is not None:
        body["lastSync"] = timestamp(last_sync)
    if errors:
        body["dataConnectionErrors"] = list(errors)
    return body


def company_json(
    *,
    id: str,  # noqa: A002 - Codat's field name
    name: str,
    description: str,
    redirect: str,
    created: datetime,
    tags: Mapping[str, str],
    connections: Sequence[JSON] | None,
    last_sync: datetime | None = None,
) -> JSON:
    """A Company; with ``connections=None``, the companyDetails of the company.* webhooks."""
    body: JSON = {
        "id": id,
        "name": name,
        "description": description,
        "redirect": redirect,
        "created": timestamp(created),
        "createdByUserName": None,
        "products": [],
        "tags": dict(tags),
        "referenceSubsidiaryCompanies": [],
    }
    if last_sync is not None:
        body["lastSync"] = timestamp(last_sync)
    if connections is not None:
        body["dataConnections"] = list(connections)
    return body


def reference_company(company: Mapping[str, Any], portal_url: str) -> JSON:
    """The ``referenceCompany`` of connection and read webhooks."""
    return {
        "id": company["id"],
        "name": company["name"],
        "description": company.get("description") or "",
        "links": {"portal": portal_url},
        "tags": dict(company.get("tags") or {}),
    }


def data_status_json(
    data_type: str,
    status: str,
    *,
    latest_sync_id: str | None,
    latest_successful_sync_id: str | None,
    last_successful_sync: datetime | None,
) -> JSON:
    body: JSON = {"dataType": data_type, "currentStatus": status}
    if last_successful_sync is not None:
        body["lastSuccessfulSync"] = timestamp(last_successful_sync)
    if latest_sync_id:
        body["latestSyncId"] = latest_sync_id
    if latest_successful_sync_id:
        body["latestSuccessfulSyncId"] = latest_successful_sync_id
    return body


def webhook_event(event_type: str, payload: Mapping[str, Any], *, event_id: str) -> JSON:
    """The Standard Webhooks envelope Codat sends."""
    return {
        "id": event_id,
        "eventType": event_type,
        "generatedDate": timestamp(datetime.now(UTC)),
        "payload": dict(payload),
    }


class PagingError(ValueError):
    """A bad ``page`` or ``pageSize``; the message is the 400's ``error``."""


def paging(params: Mapping[str, str]) -> tuple[int, int]:
    """(page, pageSize) from the query string: page ≥ 1 (default 1), 1 ≤ pageSize ≤ 5000."""
    values = []
    for name, default, maximum in (("page", 1, None), ("pageSize", DEFAULT_PAGE_SIZE, 5000)):
        raw = params.get(name)
        if not raw:
            values.append(default)
            continue
        try:
            value = int(raw)
        except ValueError:
            raise PagingError(f"The `{name}` parameter must be an integer.") from None
        if value < 1 or (maximum and value > maximum):
            limit = f"between 1 and {maximum}" if maximum else "at least 1"
            raise PagingError(f"The `{name}` parameter must be {limit}.")
        values.append(value)
    return values[0], values[1]


def page(
    items: Sequence[JSON],
    *,
    page_number: int,
    page_size: int,
    path: str,
    params: Mapping[str, str] | None = None,
) -> JSON:
    """A page of ``items`` (already filtered) with Codat's ``_links``: ``self`` without the
    query string; ``current``, ``next`` and ``previous`` with it (next/previous only where such
    a page exists)."""
    extra = {k: v for k, v in (params or {}).items() if k not in ("page", "pageSize") and v}
    start = (page_number - 1) * page_size

    def href(number: int) -> JSON:
        return {"href": f"{path}?" + urlencode({"page": number, "pageSize": page_size, **extra})}

    links: JSON = {"self": {"href": path}, "current": href(page_number)}
    if start + page_size < len(items):
        links["next"] = href(page_number + 1)
    if page_number > 1:
        links["previous"] = href(page_number - 1)
    return {
        "results": list(items[start : start + page_size]),
        "pageNumber": page_number,
        "pageSize": page_size,
        "totalResults": len(items),
        "_links": links,
    }


def _ordered(items: list[JSON], order_by: str | None, fields: Collection[str]) -> list[JSON]:
    if not order_by or not order_by.strip():
        return items
    descending = order_by.strip().startswith("-")
    key = order_by.strip().lstrip("-")
    if key not in fields:
        raise QueryError(f"Error parsing orderBy - Could not resolve property {key}")
    present = [i for i in items if i.get(key) is not None]
    missing = [i for i in items if i.get(key) is None]
    present.sort(key=lambda i: str(i[key]).lower(), reverse=descending)
    return present + missing


def listing(
    items: Sequence[JSON],
    params: Mapping[str, str],
    *,
    path: str,
    resource: str,
    fields: Collection[str],
    extra: Callable[[JSON], bool] | None = None,
) -> JSON:
    """A list endpoint's answer: ``query`` filters (and ``extra``, e.g. the ``tags`` filter),
    ``orderBy`` sorts, ``page``/``pageSize`` page. Raises ``PagingError`` or ``QueryError``."""
    page_number, page_size = paging(params)
    matches = compile_query(params.get("query"), resource=resource, known=fields)
    selected = [i for i in items if matches(i) and (extra is None or extra(i))]
    selected = _ordered(selected, params.get("orderBy"), fields)
    return page(selected, page_number=page_number, page_size=page_size, path=path, params=params)
