"""The sandbox dashboard at ``<mount>/``: end-users, auth sessions, scenarios, faults, request
log, reset. It has no login: it exists only where the sandbox is enabled (DEBUG or
``CONDUCTOR_SANDBOX["ENABLED"]``), and the sandbox must never be mounted in production."""

from contextlib import suppress
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import config, control
from .forms import FailNextForm, FaultsForm, ScenarioForm
from .models import EndUser, FaultConfig, PendingFault, RequestLog, Scenario

RECENT_REQUESTS = 50


def _namespace(request: HttpRequest) -> str:
    # Every view of the dashboard is reached through the sandbox's URLconf.
    assert request.resolver_match is not None
    return request.resolver_match.namespace


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(f"{_namespace(request)}:dashboard")


@config.require_enabled
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    users = EndUser.objects.prefetch_related("connections", "auth_sessions")
    rows: list[dict[str, Any]] = []
    for user in users:
        connection = next(iter(user.connections.all()), None)
        scenario = connection.scenario if connection else Scenario.NOT_SET_UP
        rows.append(
            {
                "user": user,
                "connection": connection,
                "form": ScenarioForm(
                    initial={
                        "end_user_id": user.id,
                        "scenario": scenario,
                        "delay_seconds": connection.slow_seconds if connection else 0,
                    },
                    auto_id=f"id_{user.id}_%s",
                ),
            }
        )
    fault_config = FaultConfig.load()
    recent = list(RequestLog.objects.order_by("-id")[:RECENT_REQUESTS])
    return render(
        request,
        "conductor_sandbox/dashboard.html",
        {
            "rows": rows,
            "faults_form": FaultsForm(
                initial={
                    "latency_ms": fault_config.latency_ms,
                    "fault_rate": fault_config.fault_rate,
                    "fault_kinds": fault_config.fault_kinds,
                    "retry_after_seconds": fault_config.retry_after_seconds,
                    "delay_ms": fault_config.delay_ms,
                }
            ),
            "fail_next_form": FailNextForm(),
            "pending_faults": PendingFault.objects.all(),
            "requests": recent,
            "urls": {
                name: reverse(f"{_namespace(request)}:{name}")
                for name in ("set_scenario", "set_faults", "fail_next", "clear_faults", "reset")
            },
        },
    )


@config.require_enabled
@require_POST
def set_scenario(request: HttpRequest) -> HttpResponseRedirect:
    form = ScenarioForm(request.POST)
    # An end-user deleted meanwhile: the dashboard shows the current state either way.
    if form.is_valid():
        with suppress(LookupError):
            control.set_scenario(
                form.cleaned_data["end_user_id"],
                form.cleaned_data["scenario"],
                form.cleaned_data["delay_seconds"] or 0,
            )
    return _back(request)


@config.require_enabled
@require_POST
def set_faults(request: HttpRequest) -> HttpResponseRedirect:
    form = FaultsForm(request.POST)
    if form.is_valid():
        control.set_faults(**form.cleaned_data)
    return _back(request)


@config.require_enabled
@require_POST
def fail_next(request: HttpRequest) -> HttpResponseRedirect:
    form = FailNextForm(request.POST)
    if form.is_valid():
        control.fail_next(**form.cleaned_data)
    return _back(request)


@config.require_enabled
@require_POST
def clear_faults(request: HttpRequest) -> HttpResponseRedirect:
    control.clear_faults()
    return _back(request)


@config.require_enabled
@require_POST
def reset(request: HttpRequest) -> HttpResponseRedirect:
    control.reset()
    return _back(request)
