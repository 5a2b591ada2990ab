"""The sandbox's models as Codat's JSON (through ``conductor_django.codat.shapes``) and the URLs
the sandbox hands out: Link pages, the company's hosted Link, branding assets."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .. import catalog, shapes
from . import config
from .models import Company, Connection, DataConnectionError, Profile

NAMESPACE = "codat_sandbox"
JSON = dict[str, Any]


def mount_url(request: HttpRequest | None = None) -> str:
    """The sandbox's absolute URL without a trailing slash, e.g. ``http://host/codat-sandbox``:
    from the request when there is one, else ``BASE_URL``, else ``http://localhost``."""
    namespace = getattr(getattr(request, "resolver_match", None), "namespace", "") or NAMESPACE
    try:
        path = reverse(f"{namespace}:dashboard")
    except NoReverseMatch:
        path = "/"
    if request is not None:
        return request.build_absolute_uri(path).rstrip("/")
    return config.base_url_setting() or ("http://localhost" + path).rstrip("/")


def link_url(connection: Connection) -> str:
    company = connection.company
    url = f"{company.base_url}/link/companies/{company.id}/connections/{connection.id}/start"
    if connection.otp and one_time_links():
        url += "?" + urlencode({"otp": connection.otp})
    return url


def company_link_url(company: Company) -> str:
    return f"{company.base_url}/link/company/{company.id}"


def portal_url(company: Company) -> str:
    return f"{company.base_url}/#company-{company.id}"


def asset_url(base: str, key: str, variant: str) -> str:
    return f"{base}/assets/{key}/{variant}.svg"


def one_time_links() -> bool:
    flag = Profile.load().one_time_links
    return config.one_time_links_setting() if flag is None else flag


def connection_error(error: DataConnectionError) -> JSON:
    return shapes.connection_error_json(
        status_code=error.status_code,
        status_text=error.status_text,
        error_message=error.error_message,
        errored_on=error.errored_at,
        status=error.status or None,
        resolved_on=error.resolved_at,
    )


def connection(conn: Connection) -> JSON:
    return shapes.connection_json(
        id=conn.id,
        entry=conn.integration,
        link_url=link_url(conn),
        status=conn.status,
        created=conn.created_at,
        last_sync=conn.last_sync_at,
        errors=[connection_error(e) for e in conn.errors.all()],
    )


def _last_sync(connections: Iterable[Connection]) -> datetime | None:
    times = [c.last_sync_at for c in connections if c.last_sync_at]
    return max(times) if times else None


def company(obj: Company, connections: list[Connection] | None = None) -> JSON:
    conns = list(obj.connections.all()) if connections is None else connections
    return shapes.company_json(
        id=obj.id,
        name=obj.name,
        description=obj.description,
        redirect=company_link_url(obj),
        created=obj.created_at,
        tags=obj.tags or {},
        connections=[connection(c) for c in conns],
        last_sync=_last_sync(conns),
    )


def company_details(obj: Company) -> JSON:
    """The payload of ``company.*`` webhooks: the company without its connections."""
    return shapes.company_json(
        id=obj.id,
        name=obj.name,
        description=obj.description,
        redirect=company_link_url(obj),
        created=obj.created_at,
        tags=obj.tags or {},
        connections=None,
        last_sync=_last_sync(obj.connections.all()),
    )


def reference_company(obj: Company) -> JSON:
    return shapes.reference_company(
        {"id": obj.id, "name": obj.name, "description": obj.description, "tags": obj.tags},
        portal_url(obj),
    )


def integration(entry: catalog.Integration, base: str) -> JSON:
    return shapes.integration_json(entry, asset_url(base, entry.key, "logo-square"))


def branding(entry: catalog.Integration, base: str) -> JSON:
    return shapes.branding_json(entry, lambda variant: asset_url(base, entry.key, variant))
