"""The return from Codat's Link, through the redirect template set in Codat's Portal.

The query string is unsigned: the view checks our one-time state (bound to this browser, user,
owner and connection; compared in constant time) and believes only Codat, asked whether the
connection is Linked. A cancel or a failure goes back to the picker with the reason in words; a
state that does not hold gets an error page with the way back.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ...core.logs import owner_label
from ...core.redirects import safe_next
from .. import services
from ..outcomes import ReturnKind, ReturnOutcome
from .common import PICKER_PAGE, connections_url, owner_or_404, page

logger = logging.getLogger("conductor_django.codat.views")


def _picker(next_url: str | None) -> str:
    url = resolve_url(PICKER_PAGE)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _flash(request: HttpRequest, outcome: ReturnOutcome) -> None:
    if outcome.connected:
        messages.success(request, outcome.message)
    elif outcome.kind == ReturnKind.CANCELLED:
        messages.info(request, outcome.message)
    elif outcome.kind == ReturnKind.FAILED and outcome.reason:
        text = _("%(outcome)s The platform said: %(reason)s") % {
            "outcome": outcome.message,
            "reason": outcome.reason,
        }
        messages.error(request, text)
    elif outcome.kind == ReturnKind.UNCONFIRMED:
        messages.warning(request, outcome.message)
    else:
        messages.error(request, outcome.message)


@never_cache
@login_required
@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    owner = owner_or_404(request)
    outcome = services.handle_return(request, owner)
    if outcome.kind == ReturnKind.INVALID_STATE:
        logger.warning(
            "Refused a return from Codat's Link for %s: the state is %s.",
            owner_label(owner),
            outcome.invalid_state,
        )
        return page(
            request,
            "callback_error.html",
            owner,
            status=400,
            reason=outcome.invalid_state,
            error=outcome.message,
        )
    _flash(request, outcome)
    next_url = safe_next(request, outcome.next_url)
    if outcome.back_to_picker:
        return HttpResponseRedirect(_picker(next_url))
    return HttpResponseRedirect(next_url or connections_url())
