"""Picking a platform and starting its connection.

The picker lists the platforms the owner may connect (the cached integration list: no Codat
call on a warm cache), searchable with ``?q=``, each with Codat's branding (QuickBooks with
Intuit's own button and its hover state). Connecting is a POST: it reuses the platform's pending
connection rather than pile up duplicates, and sends the browser to Codat's Link with our
one-time state. Where another accounting platform is connected (Codat allows one per company),
the page says what replacing it does and asks to confirm before anything changes.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ...core.redirects import safe_next
from .. import services
from ..outcomes import CodatProblem, Problem
from .common import for_managers, page, problem_page


@never_cache
@login_required
@require_safe
@for_managers
def picker(request: HttpRequest, owner: Model) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    try:
        found = services.platforms(query=query)
    except CodatProblem as problem:
        return problem_page(request, owner, problem)
    recorded = services.list_connections(owner)
    linked = {c.platform_key for c in recorded if c.is_linked}
    current = [c for c in recorded if c.is_linked and c.is_accounting]
    return page(
        request,
        "picker.html",
        owner,
        platforms=found,
        query=query,
        linked=linked,
        current=current[0] if current else None,
        next_url=safe_next(request, request.GET.get("next")) or "",
    )


def _platform(key: str) -> services.Platform | None:
    try:
        return services.platform(key)
    except CodatProblem:
        return None


@never_cache
@login_required
@require_POST
@for_managers
def connect(request: HttpRequest, owner: Model) -> HttpResponse:
    platform_key = request.POST.get("platform", "")
    next_url = safe_next(request, request.POST.get("next"))
    replace = request.POST.get("replace") == "1"
    try:
        start = services.begin_link(
            request, owner, platform_key, next_url=next_url, replace=replace
        )
    except CodatProblem as problem:
        if problem.kind == Problem.ACCOUNTING_CONNECTED and problem.replacement is not None:
            return page(
                request,
                "replace.html",
                owner,
                status=409,
                replacement=problem.replacement,
                platform=_platform(platform_key),
                platform_key=platform_key,
                next_url=next_url or "",
            )
        return problem_page(request, owner, problem)
    return HttpResponseRedirect(start.url)
