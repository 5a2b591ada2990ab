"""The emulated API's endpoints. Each takes the request (and path parameters) and returns the
JSON body, an ``HttpResponse`` (the 204 of a company delete) or raises ``errors.ApiError``."""

from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .. import catalog, shapes
from ..query import QueryError, compile_query
from . import config, errors, lifecycle, serialize, syncs, validation
from .models import Company, Connection, Profile

JSON = dict[str, Any]
# Set on the request by a late_create fault: how long the created company stays invisible.
VISIBLE_AFTER = "codat_sandbox_visible_after"


def _listing(
    request: HttpRequest,
    items: Sequence[JSON],
    *,
    path: str,
    resource: str,
    fields: Collection[str],
    extra: Callable[[JSON], bool] | None = None,
) -> JSON:
    try:
        return shapes.listing(
            items, request.GET, path=path, resource=resource, fields=fields, extra=extra
        )
    except shapes.PagingError as exc:
        raise errors.bad_request(str(exc)) from None
    except QueryError as exc:
        raise errors.malformed_query(str(exc)) from None


def _visible_companies() -> QuerySet[Company]:
    return Company.objects.filter(Q(visible_at__isnull=True) | Q(visible_at__lte=timezone.now()))


def _company(company_id: str) -> Company:
    company = _visible_companies().filter(pk=company_id).first()
    if company is None:
        raise errors.company_not_found(company_id)
    return company


def _connection(company_id: str, connection_id: str) -> Connection:
    company = _company(company_id)
    connection = company.connections.filter(pk=connection_id).first()
    if connection is None:
        raise errors.connection_not_found(connection_id)
    return connection


def _fresh(connections: Sequence[Connection]) -> list[Connection]:
    for connection in connections:
        lifecycle.ensure_otp(connection)
    return list(connections)


def list_companies(request: HttpRequest) -> JSON:
    companies = _visible_companies().prefetch_related("connections__errors")
    items = [serialize.company(c, _fresh(list(c.connections.all()))) for c in companies]
    try:
        tagged = compile_query(request.GET.get("tags"), resource="Company", known=None)
    except QueryError as exc:
        raise errors.malformed_query(str(exc)) from None
    return _listing(
        request,
        items,
        path="/companies",
        resource="Company",
        fields=shapes.COMPANY_FIELDS,
        extra=lambda item: tagged(item["tags"]),
    )


def create_company(request: HttpRequest) -> JSON:
    body = validation.company_body(request)
    visible_after = getattr(request, VISIBLE_AFTER, None)
    company = lifecycle.create_company(
        body.name,
        description=body.description,
        tags=body.tags,
        base_url=serialize.mount_url(request),
        visible_at=timezone.now() + visible_after if visible_after else None,
    )
    return serialize.company(company, [])


def get_company(request: HttpRequest, company_id: str) -> JSON:
    company = _company(company_id)
    return serialize.company(company, _fresh(list(company.connections.all())))


def delete_company(request: HttpRequest, company_id: str) -> HttpResponse:
    lifecycle.delete_company(_company(company_id))
    return HttpResponse(status=204)


def list_connections(request: HttpRequest, company_id: str) -> JSON:
    company = _company(company_id)
    items = [serialize.connection(c) for c in _fresh(list(company.connections.all()))]
    path = f"/companies/{company_id}/connections"
    return _listing(
        request, items, path=path, resource="Connection", fields=shapes.CONNECTION_FIELDS
    )


def create_connection(request: HttpRequest, company_id: str) -> JSON:
    platform_key = validation.connection_body(request)
    connection = lifecycle.create_connection(_company(company_id), platform_key)
    return serialize.connection(connection)


def get_connection(request: HttpRequest, company_id: str, connection_id: str) -> JSON:
    return serialize.connection(_fresh([_connection(company_id, connection_id)])[0])


def unlink_connection(request: HttpRequest, company_id: str, connection_id: str) -> JSON:
    connection = _connection(company_id, connection_id)
    validation.unlink_body(request)
    return serialize.connection(lifecycle.unlink(connection))


def delete_connection(request: HttpRequest, company_id: str, connection_id: str) -> JSON:
    # 200 with the connection: the official SDK matches the status code exactly.
    return lifecycle.delete_connection(_connection(company_id, connection_id))


def data_status(request: HttpRequest, company_id: str) -> JSON:
    return syncs.data_status(_company(company_id))


def _integration(key: str) -> catalog.Integration:
    entry = catalog.integration(key)
    if entry is None:
        raise errors.integration_not_found(key)
    return entry


def list_integrations(request: HttpRequest) -> JSON:
    base = serialize.mount_url(request)
    items = [serialize.integration(entry, base) for entry in catalog.INTEGRATIONS]
    return _listing(
        request,
        items,
        path="/integrations",
        resource="Integration",
        fields=shapes.INTEGRATION_FIELDS,
    )


def get_integration(request: HttpRequest, key: str) -> JSON:
    return serialize.integration(_integration(key), serialize.mount_url(request))


def get_branding(request: HttpRequest, key: str) -> JSON:
    return serialize.branding(_integration(key), serialize.mount_url(request))


def redirect_template(profile: Profile | None = None) -> str:
    """The redirect template in force: the profile's (set through the API), else the setting."""
    profile = profile or Profile.load()
    return profile.redirect_url if profile.redirect_url_set else config.redirect_url_setting()


def profile_json(profile: Profile) -> JSON:
    # apiKey (deprecated in the spec) is left out: the sandbox never echoes a secret.
    return {
        "name": profile.name,
        "redirectUrl": redirect_template(profile),
        "whiteListUrls": list(profile.white_list_urls or []),
        "confirmCompanyName": profile.confirm_company_name,
    }


def get_profile(request: HttpRequest) -> JSON:
    return profile_json(Profile.load())


def put_profile(request: HttpRequest) -> JSON:
    body = validation.profile_body(request)
    profile = Profile.load()
    profile.name = body.name
    profile.redirect_url = body.redirect_url
    profile.redirect_url_set = True
    profile.white_list_urls = body.white_list_urls
    profile.confirm_company_name = body.confirm_company_name
    profile.save()
    return profile_json(profile)
