"""The hosted Link pages, where Codat's ``linkUrl`` and a company's ``redirect`` lead.

- ``link/companies/<companyId>/connections/<connectionId>/start[?otp=…&your=params]``: names
  the platform (``#link-page[data-platform]``, ``#platform-name``) and lets the tester pick the
  outcome, each a POST form with CSRF: ``#outcome-link`` (200, Linked), ``#outcome-already-linked``
  (201), ``#outcome-cancel`` (403 "User cancelled."), ``#outcome-error`` (500 "Unknown error
  occurred.", with the platform's words typed into ``#status-text``), ``#outcome-not-supported``
  (501). Then the browser goes through the redirect template (``REDIRECT_URL`` or ``PUT
  /profile``), placeholders filled from the outcome and from the Link URL's own query
  parameters; with no template, the pre-built page ``#link-done[data-status-code]``.
- ``link/company/<companyId>``: the company-wide Hosted Link: enabled integrations as buttons
  (``#integration-<key>``); picking one creates the connection and opens its start page.

Unusable links show ``#link-error[data-reason]``: ``unknown`` (404), ``otp-invalid`` (403, a
one-time link without its token or with a wrong one), ``used`` (410) or ``expired`` (410).
"""

from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import catalog
from . import config, endpoints, errors, lifecycle, serialize
from .models import Company, Connection, Profile

_ERRORS = {
    "unknown": (
        404,
        gettext_lazy("This link is not valid"),
        gettext_lazy("Check that you copied the whole link, or start again from the application."),
    ),
    "otp-invalid": (
        403,
        gettext_lazy("This link is not valid"),
        gettext_lazy("Use the exact link you were given, or start again from the application."),
    ),
    "used": (
        410,
        gettext_lazy("This link has already been used"),
        gettext_lazy("Go back to the application and start connecting again."),
    ),
    "expired": (
        410,
        gettext_lazy("This link has expired"),
        gettext_lazy("Go back to the application and start connecting again."),
    ),
}


def _error_page(request: HttpRequest, reason: str, detail: str = "") -> HttpResponse:
    status, title, default_detail = _ERRORS.get(reason, (400, _("This link cannot be used"), ""))
    return render(
        request,
        "codat_sandbox/link_error.html",
        {"title": title, "detail": detail or default_detail, "reason": reason},
        status=status,
    )


def otp_problem(connection: Connection, given: str) -> str | None:
    """Why a one-time link cannot be used (None: it can, or one-time links are off)."""
    if not serialize.one_time_links():
        return None
    if not connection.otp or not config.keys_match(given, connection.otp):
        return "otp-invalid"
    if connection.otp_used_at is not None:
        return "used"
    if connection.otp_expires_at is not None and connection.otp_expires_at <= timezone.now():
        return "expired"
    return None


def use_otp(connection: Connection) -> bool:
    """Spend the one-time link; False if another request spent it first."""
    if not serialize.one_time_links():
        return True
    now = timezone.now()
    spent = Connection.objects.filter(
        pk=connection.pk, otp=connection.otp, otp_used_at=None
    ).update(otp_used_at=now)
    connection.otp_used_at = now
    return bool(spent)


def redirect_for(
    connection: Connection, result: lifecycle.LinkResult, params: Mapping[str, str]
) -> str | None:
    """Where the browser goes after the outcome: the filled redirect template (None: none set)."""
    profile = Profile.load()
    template = endpoints.redirect_template(profile)
    if not template:
        return None
    entry = connection.integration
    reserved = {
        "clientId": profile.client_id,
        "companyId": connection.company_id,
        "connectionId": connection.id,
        "integrationId": entry.integration_id,
        "sourceId": entry.source_id,
        "platform": entry.key,
        "platformName": entry.name,
        "sourceType": entry.source_type,
        "statusCode": str(result.status_code),
        "errorMessage": result.error_message,
        "statusText": result.status_text,
        "data.company.companyName": connection.company.name,
    }
    return catalog.fill_redirect(template, reserved, params)


def _load(
    request: HttpRequest, company_id: str, connection_id: str
) -> tuple[Connection | None, HttpResponse | None]:
    connection = (
        Connection.objects.select_related("company")
        .filter(pk=connection_id, company_id=company_id)
        .first()
    )
    if connection is None or not connection.company.is_visible():
        return None, _error_page(request, "unknown")
    problem = otp_problem(connection, request.GET.get("otp", ""))
    if problem:
        return None, _error_page(request, problem)
    return connection, None


@config.require_enabled
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, company_id: str, connection_id: str) -> HttpResponse:
    connection, error = _load(request, company_id, connection_id)
    if error or connection is None:
        return error or _error_page(request, "unknown")
    entry = connection.integration
    if request.method == "GET":
        base = serialize.mount_url(request)
        return render(
            request,
            "codat_sandbox/link_start.html",
            {
                "connection": connection,
                "company": connection.company,
                "entry": entry,
                "logo_url": serialize.asset_url(base, entry.key, "logo-full"),
                "button_url": serialize.asset_url(base, entry.key, "button"),
                "button_hover_url": serialize.asset_url(base, entry.key, "button-hover"),
                "action": request.get_full_path(),
            },
        )
    outcome = request.POST.get("outcome", "")
    if outcome not in catalog.LINK_OUTCOMES:
        return HttpResponse(_("Unknown outcome."), status=400, content_type="text/plain")
    if not use_otp(connection):
        return _error_page(request, "used")
    status_text = request.POST.get("status_text", "").strip()
    result = lifecycle.complete_link(connection, outcome, status_text)
    target = redirect_for(connection, result, request.GET)
    if target:
        return HttpResponseRedirect(target)
    return render(
        request,
        "codat_sandbox/link_done.html",
        {"result": result, "entry": entry, "company": connection.company},
    )


@config.require_enabled
@require_http_methods(["GET", "POST"])
def company_link(request: HttpRequest, company_id: str) -> HttpResponse:
    company = Company.objects.filter(pk=company_id).first()
    if company is None or not company.is_visible():
        return _error_page(request, "unknown")
    if request.method == "POST":
        try:
            connection = lifecycle.create_connection(company, request.POST.get("platform", ""))
        except errors.ApiError as exc:
            return _error_page(request, "not-allowed", exc.error)
        url = serialize.link_url(connection)
        # Your own parameters ride along to the connection's Link page, and so to the redirect.
        carried = {k: v for k, v in request.GET.items() if k != "otp"}
        if carried:
            url += ("&" if "?" in url else "?") + urlencode(carried)
        return HttpResponseRedirect(url)
    base = serialize.mount_url(request)
    return render(
        request,
        "codat_sandbox/link_company.html",
        {
            "company": company,
            "integrations": [
                (entry, serialize.asset_url(base, entry.key, "logo-square"))
                for entry in catalog.INTEGRATIONS
                if entry.enabled
            ],
            "action": request.get_full_path(),
        },
    )
