"""The owner's Codat connections: platform, status in plain words, last sync, the last problem
and the first sync's progress, with the actions a manager may take on each.

The page reads the records and refreshes them from Codat at most once per
``CODAT["STATUS_CACHE_TTL"]`` seconds (``?refresh=1`` asks now); the platforms' logos come from
the cached integration list. A warm page makes no Codat call; a Codat that cannot be asked
leaves the recorded connections on the page with the problem in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ...core.readahead import read_ahead
from ...core.redirects import safe_next
from .. import integrations, services
from ..conf import codat_settings
from ..connections import page_cache_keys
from ..integrations import Platform
from ..models import CodatConnection
from ..outcomes import CodatProblem, Problem
from .common import PICKER_PAGE, owner_or_404, page, problem_page

STATUS_LABELS = dict(CodatConnection.Status.choices)
ACTIONS = ("reconnect", "disconnect", "delete")
PLACEHOLDER = "connection-id"


@dataclass(frozen=True)
class Row:
    """One connection as the page shows it."""

    connection: CodatConnection
    platform: Platform | None
    problem: str
    progress: str
    #: Where each action's confirmation is (``reconnect``, ``disconnect``, ``delete``).
    urls: dict[str, str]

    @property
    def label(self) -> str:
        """The status in plain words (the model's ``label``, without its per-call choices
        lookup: this page shows it for every row on every load)."""
        return str(STATUS_LABELS.get(self.connection.status, self.connection.status))

    @property
    def may_reconnect(self) -> bool:
        return self.connection.status != CodatConnection.Status.LINKED or bool(
            self.connection.needs_reconnect
        )

    @property
    def may_disconnect(self) -> bool:
        return self.connection.is_linked


def branding() -> dict[str, Platform]:
    """The platforms by key, from the cache (Codat only on a cold one); none when Codat cannot
    be asked: a logo is not worth failing the page for."""
    try:
        return {p.key: p for p in services.platforms()}
    except CodatProblem:
        return {}


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def rows(found: list[CodatConnection], next_url: str = "") -> list[Row]:
    if not found:
        return []
    known = branding()
    # One reverse per action for the page, not one per row and action.
    patterns = {
        action: reverse(f"conductor_codat:{action}", args=[PLACEHOLDER]) for action in ACTIONS
    }
    return [
        Row(
            c,
            known.get(c.platform_key),
            services.error_words(c),
            services.sync_words(c),
            {
                action: _with_next(pattern.replace(PLACEHOLDER, quote(c.connection_id)), next_url)
                for action, pattern in patterns.items()
            },
        )
        for c in found
    ]


@never_cache
@login_required
@require_safe
def connections(request: HttpRequest) -> HttpResponse:
    owner = owner_or_404(request)
    refresh = bool(request.GET.get("refresh"))
    # A warm page's reads (the refresh marker, the rows' snapshot, the platforms) in one trip.
    warm_keys = [] if refresh else [*page_cache_keys(owner), integrations.cache_key()]
    with read_ahead(caches[codat_settings.CACHE_ALIAS], warm_keys):
        return _connections_page(request, owner, 0 if refresh else codat_settings.STATUS_CACHE_TTL)


def _connections_page(request: HttpRequest, owner: Model, max_age: float) -> HttpResponse:
    problem: CodatProblem | None = None
    try:
        found = services.refresh_connections(owner, max_age=max_age)
    except CodatProblem as exc:
        if exc.kind == Problem.NOT_CONFIGURED:
            return problem_page(request, owner, exc)
        problem = exc
        found = services.list_connections(owner)
    next_url = safe_next(request, request.GET.get("next")) or ""
    return page(
        request,
        "connections.html",
        owner,
        rows=rows(found, next_url),
        problem=problem,
        next_url=next_url,
        picker_url=_with_next(reverse(PICKER_PAGE), next_url),
        refresh_url=f"{request.path}?refresh=1",
    )
