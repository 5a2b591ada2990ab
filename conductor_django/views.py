"""The QuickBooks Desktop settings page, the status it polls, and the return from Conductor's
hosted flow.

None of them waits on Conductor for its first byte: they answer from the recorded status, or
ask for a health check off the request thread (``checking``) and show "checking" until it
answers. On the immediate task backend (no worker) they wait for it at most
``CONDUCTOR["INLINE_CHECK_WAIT"]`` seconds first.

No Conductor failure becomes a 500 here: an answer about the connection is shown with Conductor's
user-facing message; anything else (outage, timeout, garbage, a check that never finished) gets
a neutral page with a way to try again, and an owner whose end-user is being created a neutral
"setting up" page. Each failure is logged once, at WARNING, naming the owner.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypedDict
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import checking, connection, state
from .checking import Look
from .client import ConductorError
from .client.resources import format_timestamp
from .conf import app_settings
from .core.redirects import safe_next
from .logs import describe, owner_label
from .models import AuthSessionRecord, ConductorEndUserMixin, ConnectionStatus
from .owners import can_manage, resolve_owner
from .provisioning import ProvisioningInProgress, failure_summary, next_attempt_at

logger = logging.getLogger("conductor_django.views")
Status = ConnectionStatus.Status
#: In the session from the return of a hosted flow until the page has shown its outcome: a
#: connection still not set up then is a flow the user did not finish, offered again rather
#: than looped into.
UNFINISHED_FLOW_KEY = "conductor_django_unfinished_flow"
#: Seconds between the reloads of a "checking" page without JavaScript.
NO_SCRIPT_REFRESH = 3


def _owner_or_404(request: HttpRequest) -> ConductorEndUserMixin:
    owner: ConductorEndUserMixin | None = resolve_owner(request)
    if owner is None:
        raise Http404(_("There is no account to connect to QuickBooks Desktop."))
    return owner


def _since(request: HttpRequest) -> float | None:
    """The moment the check this page follows was asked (``?since=``), if it is one."""
    try:
        since = float(request.GET.get("since", ""))
    except ValueError:
        return None
    return since if math.isfinite(since) and since > 0 else None


def _page_url(since: float | None, next_url: str | None) -> str:
    query = {"since": f"{since:.6f}"} if since is not None else {}
    if next_url:
        query["next"] = next_url
    path = reverse("conductor_django:settings")
    return f"{path}?{urlencode(query)}" if query else path


def _render(
    request: HttpRequest,
    owner: ConductorEndUserMixin,
    look: Look,
    *,
    next_url: str | None = None,
    unfinished: bool = False,
    last_known: ConnectionStatus | None = None,
) -> HttpResponse:
    checked_at = look.status.checked_at if look.status else None
    manager = can_manage(request, owner)
    context: dict[str, Any] = {
        "outcome": look.state,
        "status": look.status,
        "message": look.message,
        "last_known": last_known,
        "owner": owner,
        "can_manage": manager,
        "just_checked": checked_at is not None
        and timezone.now() - checked_at < timedelta(minutes=1),
        "connect_url": _page_url(None, next_url),
        "retry_url": f"{request.path}?{urlencode({'refresh': '1', **_next(next_url)})}",
        "page_url": _page_url(look.since, next_url),
        "next_url": next_url,
        "unfinished": unfinished,
        "refresh_seconds": NO_SCRIPT_REFRESH,
    }
    if not look.final:
        # Only a page still checking polls: sign what its status endpoint needs.
        token = _status_token(owner.conductor_end_user_id, look.since, manager and not unfinished)
        context["status_url"] = f"{reverse('conductor_django:status')}?{urlencode({'t': token})}"
    return render(request, "conductor_django/settings.html", context)


def _next(next_url: str | None) -> dict[str, str]:
    return {"next": next_url} if next_url else {}


STATUS_SALT = "conductor_django.status"


def _status_token(end_user_id: str | None, since: float, connect: bool) -> str:
    """What the status endpoint needs, signed: whose check, asked when, and whether its page
    goes on into the hosted flow when it says "not set up" (a manager, not straight back from
    a flow left unfinished). So a poll reads neither the session nor the user: it is a few
    cache reads."""
    return signing.dumps([end_user_id, since, connect], salt=STATUS_SALT)


def _after_response(response: HttpResponse, work: list[Callable[[], None]]) -> HttpResponse:
    # Django closes a response once the server has sent it (WSGI and ASGI alike), calling its
    # resource closers: work left for then does not delay the first byte. The list is Django's
    # own (since 3.0; the stubs do not declare it), so getattr.
    getattr(response, "_resource_closers").extend(work)  # noqa: B009
    return response


def _render_failure(
    request: HttpRequest, owner: ConductorEndUserMixin, exc: ConductorError
) -> HttpResponse:
    """A call the page itself made failed (creating the owner's end-user, or an auth session):
    the "setting up" page while a create that may still complete at Conductor holds new ones
    off, else Conductor's own words about the account, else a neutral page."""
    held = None
    if not owner.conductor_end_user_id:
        held = next_attempt_at(owner)
        logger.warning(
            "%s The settings page shows %s.",
            failure_summary(owner, exc),
            "that it is being set up" if held else "that QuickBooks cannot be reached",
        )
    else:
        logger.warning(
            "Conductor failed a call from the QuickBooks settings page of %s: %s.",
            owner_label(owner),
            describe(exc),
        )
    now = timezone.now().timestamp()
    if held:
        return _render(request, owner, Look("setting_up", now))
    if not exc.is_outage and exc.user_facing_message:
        return _render(request, owner, Look("error", now, message=exc.user_facing_message))
    return _render(request, owner, Look("unavailable", now))


def start_auth_flow(
    request: HttpRequest, owner: ConductorEndUserMixin, next_url: str | None
) -> HttpResponseRedirect:
    expiry = app_settings.link_expiry("LINK_EXPIRY_MINUTES")
    token = state.issue(request, owner, next_url, expiry)
    callback = request.build_absolute_uri(reverse("conductor_django:callback"))
    link = connection.issue_auth_session(
        owner,
        reason=AuthSessionRecord.Reason.SETTINGS_PAGE,
        issued_by=request.user,
        redirect_url=f"{callback}?{urlencode({'state': token})}",
        expiry_minutes=expiry,
    )
    return HttpResponseRedirect(link.auth_flow_url)


def _current(known: ConnectionStatus | None, max_age: float) -> Look | None:
    """The cached status ``known`` when it is at most ``max_age`` seconds old."""
    if known is None or known.checked_at is None:
        return None
    if known.checked_at < timezone.now() - timedelta(seconds=max_age):
        return None
    return Look(
        checking.outcome(known), known.checked_at.timestamp(), known, known.user_facing_message
    )


def _last_known(owner: ConductorEndUserMixin) -> ConnectionStatus | None:
    """What the page shows while it checks: the status kept in the cache (no database read on
    the way to the first byte), or, when statuses are not cached, the recorded one."""
    if not app_settings.STATUS_CACHE_TTL:
        return connection.recorded_status(owner)
    end_user_id = owner.conductor_end_user_id
    return connection.last_known(end_user_id) if end_user_id else None


@never_cache
@login_required
@require_safe
def connection_settings(request: HttpRequest) -> HttpResponse:
    owner = _owner_or_404(request)
    next_url = safe_next(request, request.GET.get("next"))
    since = _since(request)
    look = None
    # Read at most once: the answer when it is fresh, else what the page shows while it checks.
    last_known = functools.cache(functools.partial(_last_known, owner))
    if since is None and not request.GET.get("refresh") and app_settings.STATUS_CACHE_TTL:
        look = _current(last_known(), float(app_settings.STATUS_CACHE_TTL))
    later: list[Callable[[], None]] = []
    fresh = True
    if look is None:
        try:
            if since is None:
                since = checking.request_check(owner, defer=later)
                # Only a check run inline can have answered already: a queued one has not.
                fresh = checking.is_inline()
            look = (
                checking.look(owner.conductor_end_user_id, since)
                if fresh
                else Look("checking", since)
            )
        except ProvisioningInProgress as exc:
            logger.info("%s The settings page shows that it is being set up.", exc)
            return _render(request, owner, Look("setting_up", timezone.now().timestamp()))
        except ConductorError as exc:
            return _render_failure(request, owner, exc)
    if not look.final:
        unfinished = bool(request.session.get(UNFINISHED_FLOW_KEY, False))
        response = _render(
            request, owner, look, next_url=next_url, unfinished=unfinished, last_known=last_known()
        )
        return _after_response(response, later)
    # Shown once: straight back from a flow the user did not finish, offer it again.
    unfinished = bool(request.session.pop(UNFINISHED_FLOW_KEY, False))
    if look.state == "not_set_up" and can_manage(request, owner) and not unfinished:
        try:
            return start_auth_flow(request, owner, next_url)
        except ConductorError as exc:
            return _render_failure(request, owner, exc)
    return _render(request, owner, look, next_url=next_url, unfinished=unfinished)


class StatusBody(TypedDict):
    """What the settings page's script polls."""

    state: checking.State
    final: bool
    #: The script should navigate to the page (which starts the hosted flow) rather than show.
    connect: bool
    checkedAt: str | None


@never_cache
@require_safe
def status(request: HttpRequest) -> JsonResponse:
    """The state of the check a page follows, from the cache: never a call to Conductor, and
    no read of the database, the session or the user while the check runs. The page's signed
    token (``?t=``) says whose check and since when; it is good for a day."""
    try:
        end_user_id, since, may_connect = signing.loads(
            request.GET.get("t", ""), salt=STATUS_SALT, max_age=timedelta(days=1)
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404(_("This status link is not valid.")) from None
    look = checking.look(end_user_id, float(since))
    checked_at = look.status.checked_at if look.status else None
    body: StatusBody = {
        "state": look.state,
        "final": look.final,
        "connect": bool(may_connect) and look.state == "not_set_up",
        "checkedAt": format_timestamp(checked_at) if checked_at else None,
    }
    return JsonResponse(body)


# Lazy: built at import, shown in the language of each request.
CALLBACK_ERRORS = {
    "missing": gettext_lazy("This link is missing its security token."),
    "unknown": gettext_lazy("This link is not valid, or it has already been used."),
    "expired": gettext_lazy("This link has expired."),
    "wrong_account": gettext_lazy("This link was issued to a different account."),
}


@never_cache
@login_required
@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    owner = _owner_or_404(request)
    try:
        next_url = state.consume(request, request.GET.get("state"), owner)
    except state.InvalidState as exc:
        context = {"reason": exc.reason, "error": CALLBACK_ERRORS[exc.reason]}
        return render(request, "conductor_django/callback_error.html", context, status=400)
    destination = safe_next(request, next_url) or resolve_url(
        app_settings.SUCCESS_URL or "conductor_django:settings"
    )
    # The settings page states the outcome itself: a flash there would say it twice. Any other
    # destination (SUCCESS_URL, a `next`) learns it from the flash.
    to_settings = urlsplit(destination).path == reverse("conductor_django:settings")
    later: list[Callable[[], None]] = []
    try:
        look = checking.look(
            owner.conductor_end_user_id, checking.request_check(owner, defer=later)
        )
    except ProvisioningInProgress as exc:
        logger.info("%s Could not confirm the connection after the auth flow.", exc)
        return _unconfirmed(request, destination, to_settings)
    except ConductorError as exc:
        logger.warning(
            "Could not confirm the QuickBooks connection of %s after the auth flow: %s.",
            owner_label(owner),
            describe(exc),
        )
        return _unconfirmed(request, destination, to_settings)
    if look.state in ("not_set_up", "checking"):
        request.session[UNFINISHED_FLOW_KEY] = True
    if not look.final:
        # Not known yet: the settings page follows the check and shows its answer, then offers
        # the way on to where the flow was going.
        redirect = HttpResponseRedirect(_page_url(look.since, None if to_settings else destination))
        return _after_response(redirect, later)
    if not to_settings:
        _flash(request, look)
    return HttpResponseRedirect(destination)


def _unconfirmed(request: HttpRequest, destination: str, to_settings: bool) -> HttpResponse:
    if not to_settings:
        messages.warning(request, _("We could not confirm your QuickBooks Desktop connection yet."))
    return HttpResponseRedirect(destination)


def _flash(request: HttpRequest, look: Look) -> None:
    if look.state == "connected":
        messages.success(request, _("QuickBooks Desktop is connected."))
    elif look.state == "not_set_up":
        messages.warning(
            request, _("QuickBooks Desktop was not connected: setup was not finished.")
        )
    elif look.state == "error":
        messages.error(request, _("There is a problem with your QuickBooks Desktop connection."))
    else:
        messages.warning(request, _("We could not confirm your QuickBooks Desktop connection yet."))


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    owner = _owner_or_404(request)
    if not can_manage(request, owner):
        raise PermissionDenied
    try:
        connection.disconnect(owner)
    except ConductorError as exc:
        logger.warning(
            "Could not disconnect QuickBooks Desktop for %s: %s.", owner_label(owner), describe(exc)
        )
        messages.error(
            request,
            getattr(exc, "user_facing_message", None)
            or _("We could not disconnect QuickBooks Desktop right now. Please try again."),
        )
    else:
        messages.success(request, _("QuickBooks Desktop was disconnected."))
    return HttpResponseRedirect(
        safe_next(request, request.POST.get("next"))
        or resolve_url(app_settings.SUCCESS_URL or "conductor_django:settings")
    )
