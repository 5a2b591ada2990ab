"""What every Codat page shares: the owner the request acts for, who may manage it, the
open-redirect check on ``next``, and the page that says a problem in the user's words (never
a 500)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from ...core.owners import can_manage, resolve_owner
from ..outcomes import CodatProblem, Problem
from ..templatetags.codat import CONNECTIONS_PAGE

P = ParamSpec("P")
PICKER_PAGE = "conductor_codat:picker"
# What a problem answers with: the service is down or being set up (503), Codat refused (502),
# the request named something that is not there or not allowed (4xx).
PROBLEM_STATUS = {
    Problem.NOT_CONFIGURED: 503,
    Problem.SETTING_UP: 503,
    Problem.UNAVAILABLE: 503,
    Problem.REFUSED: 502,
    Problem.UNKNOWN_PLATFORM: 400,
    Problem.ACCOUNTING_CONNECTED: 409,
    Problem.NOT_FOUND: 404,
    Problem.NOT_LINKED: 409,
}


def owner_or_404(request: HttpRequest) -> Model:
    owner = resolve_owner(request)
    if owner is None or not hasattr(owner, "codat_company_id"):
        raise Http404(_("There is no account to connect accounting software to."))
    found: Model = owner
    return found


def connections_url() -> str:
    return resolve_url(CONNECTIONS_PAGE)


def page(
    request: HttpRequest, template: str, owner: Model, status: int = 200, **context: Any
) -> HttpResponse:
    values = {
        "owner": owner,
        "can_manage": can_manage(request, owner),
        "connections_url": connections_url(),
        **context,
    }
    return render(request, f"conductor_codat/pages/{template}", values, status=status)


def problem_page(request: HttpRequest, owner: Model, problem: CodatProblem) -> HttpResponse:
    """The problem in the user's words, with the way back. Logged already (``problems``)."""
    response = page(
        request,
        "problem.html",
        owner,
        status=PROBLEM_STATUS.get(problem.kind, 503),
        problem=problem,
        transient=problem.is_transient,
        retry_url=request.get_full_path() if request.method == "GET" else "",
    )
    if problem.is_transient:
        wait = 30.0
        if problem.retry_at is not None:
            wait = (problem.retry_at - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


def not_allowed(request: HttpRequest, owner: Model) -> HttpResponse:
    """A user who may see the connections but not change them (``CAN_MANAGE_CONNECTION``)."""
    return page(request, "not_allowed.html", owner, status=403)


def for_managers(
    view: Callable[Concatenate[HttpRequest, Model, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """``view(request, owner, …)`` for the owner the request acts for, when the user may manage
    its connections; the not-allowed page (403) otherwise."""

    @wraps(view)
    def managed(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        owner = owner_or_404(request)
        if not can_manage(request, owner):
            return not_allowed(request, owner)
        return view(request, owner, *args, **kwargs)

    return managed
