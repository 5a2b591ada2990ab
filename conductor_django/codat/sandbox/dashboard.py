"""The sandbox dashboard at ``<mount>/``: companies and connections with their status
switchers, integrations, profile (redirect template, one-time links), sync timing, faults, the
request log, webhook deliveries and reset. It has no login: it exists only where the sandbox is
enabled (DEBUG or ``CODAT_SANDBOX["ENABLED"]``), and must never be mounted in production.

Every button POSTs to ``dashboard/action`` with an ``action`` field; a refused change (say,
revoking a connection that is not Linked) comes back as ``#notice`` on the dashboard.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import catalog
from . import config, control, endpoints, serialize, syncs
from .forms import FailNextForm, FaultsForm, ProfileForm, SyncOutcomeForm, SyncTimingForm
from .models import (
    Company,
    PendingFault,
    Profile,
    RequestLog,
    SandboxConfig,
    WebhookDelivery,
)

RECENT = 50


def _back(request: HttpRequest, notice: str = "") -> HttpResponse:
    url = reverse(f"{request.resolver_match.namespace}:dashboard")  # type: ignore[union-attr]
    return HttpResponseRedirect(url + ("?" + urlencode({"notice": notice}) if notice else ""))


@config.require_enabled
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    syncs.advance()
    sandbox = SandboxConfig.load()
    profile = Profile.load()
    base = serialize.mount_url(request)
    companies = [
        (company, [(conn, serialize.link_url(conn)) for conn in company.connections.all()])
        for company in Company.objects.prefetch_related("connections__errors")
    ]
    return render(
        request,
        "codat_sandbox/dashboard.html",
        {
            "api_base": base,
            "notice": request.GET.get("notice", ""),
            "companies": companies,
            "sync_outcomes": catalog.SYNC_OUTCOMES,
            "integrations": [
                (entry, serialize.asset_url(base, entry.key, "logo-square"))
                for entry in catalog.INTEGRATIONS
            ],
            "profile": profile,
            "profile_form": ProfileForm(
                initial={
                    "redirect_url": endpoints.redirect_template(profile),
                    "one_time_links": serialize.one_time_links(),
                }
            ),
            "timing_form": SyncTimingForm(
                initial={
                    "queued_seconds": sandbox.sync_queued_seconds,
                    "fetching_seconds": sandbox.sync_fetching_seconds,
                }
            ),
            "outcome_form": SyncOutcomeForm(),
            "faults_form": FaultsForm(
                initial={
                    "latency_ms": sandbox.latency_ms,
                    "fault_rate": sandbox.fault_rate,
                    "fault_kinds": sandbox.fault_kinds,
                    "retry_after_seconds": sandbox.retry_after_seconds,
                }
            ),
            "fail_next_form": FailNextForm(),
            "pending_faults": PendingFault.objects.all(),
            "requests": list(RequestLog.objects.order_by("-id")[:RECENT]),
            "deliveries": list(WebhookDelivery.objects.order_by("-id")[:RECENT]),
            "webhook_url": config.webhook_url(),
            "delivery_mode": config.delivery_mode(),
            "action_url": reverse(f"{request.resolver_match.namespace}:action"),  # type: ignore[union-attr]
        },
    )


def _connection_action(request: HttpRequest) -> str:
    connection_id = request.POST.get("connection_id", "")
    operation = request.POST.get("operation", "")
    simple: dict[str, Callable[[str], object]] = {
        "link": control.relink,
        "fail": control.fail_link,
        "revoke": control.revoke,
        "unlink": control.unlink,
        "delete": control.delete_connection,
        "advance": control.advance_sync,
        "online": lambda cid: control.set_connector_online(cid, True),
        "offline": lambda cid: control.set_connector_online(cid, False),
    }
    if operation == "outcome":
        form = SyncOutcomeForm(request.POST)
        if form.is_valid():
            control.set_sync_outcome(connection_id, form.cleaned_data["outcome"])
        return ""
    if operation not in simple:
        return f"Unknown operation {operation!r}."
    simple[operation](connection_id)
    return ""


def _form_action(form_class: type, apply: Callable[..., object]) -> Callable[[HttpRequest], str]:
    def handle(request: HttpRequest) -> str:
        form = form_class(request.POST)
        if not form.is_valid():
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        apply(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
        return ""

    return handle


def _profile(request: HttpRequest) -> str:
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return "Invalid profile."
    control.set_redirect_url(form.cleaned_data["redirect_url"])
    control.set_one_time_links(form.cleaned_data["one_time_links"])
    return ""


def _webhook(request: HttpRequest) -> str:
    operation = request.POST.get("operation", "")
    raw_id = request.POST.get("delivery_id", "")
    delivery_id = int(raw_id) if raw_id.isdigit() else None
    copies: dict[str, Callable[[int | None], object]] = {
        "duplicate": control.send_duplicate,
        "wrong_secret": control.send_with_wrong_secret,
        "garbage": control.send_garbage,
        "old_timestamp": control.replay_with_old_timestamp,
    }
    if operation == "deliver":
        control.deliver_pending()
    elif operation == "out_of_order":
        control.deliver_out_of_order()
    elif operation in copies:
        copies[operation](delivery_id)
    else:
        return f"Unknown operation {operation!r}."
    return ""


def _delete_company(request: HttpRequest) -> str:
    control.delete_company(request.POST.get("company_id", ""))
    return ""


def _clear_faults(request: HttpRequest) -> str:
    control.clear_faults()
    return ""


def _reset(request: HttpRequest) -> str:
    control.reset()
    return ""


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "connection": _connection_action,
    "delete_company": _delete_company,
    "profile": _profile,
    "sync_timing": _form_action(SyncTimingForm, control.set_sync_timing),
    "faults": _form_action(FaultsForm, control.set_faults),
    "fail_next": _form_action(FailNextForm, control.fail_next),
    "clear_faults": _clear_faults,
    "webhook": _webhook,
    "reset": _reset,
}


@config.require_enabled
@require_POST
def action(request: HttpRequest) -> HttpResponse:
    handler = ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        return _back(request, "Unknown action.")
    try:
        notice = handler(request)
    except (LookupError, ValueError) as exc:
        # Deleted meanwhile, or refused (e.g. revoking what is not Linked): say so, change nothing.
        notice = str(exc)
    return _back(request, notice)
