"""The QuickBooks Desktop settings page and the return from Conductor's hosted flow.

No Conductor failure becomes a 500 here: an answer about the connection is shown with Conductor's
user-facing message; anything else (outage, timeout, garbage) gets a neutral page, and an owner
whose end-user is being created (or whose create may still complete at Conductor) a neutral
"setting up" page. Each failure is logged once, at WARNING, naming the owner.
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import connection, state
from .client import ConductorError
from .conf import app_settings
from .logs import describe, owner_label
from .models import AuthSessionRecord, ConnectionStatus
from .owners import can_manage, resolve_owner
from .provisioning import ProvisioningInProgress, failure_summary, next_attempt_at

logger = logging.getLogger("conductor_django.views")
Status = ConnectionStatus.Status
UNFINISHED_FLOW_KEY = "conductor_django_unfinished_flow"


def safe_next(request, url):
    """``url`` if it stays on this site (the open-redirect check), else None."""
    if (
        isinstance(url, str)
        and url
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return None


def _owner_or_404(request):
    owner = resolve_owner(request)
    if owner is None:
        raise Http404(_("There is no account to connect to QuickBooks Desktop."))
    return owner


def _render(request, owner, outcome, status=None, message="", unfinished=False):
    checked_at = status.checked_at if status else None
    context = {
        "outcome": outcome,
        "status": status,
        "message": message,
        "owner": owner,
        "can_manage": can_manage(request, owner),
        "just_checked": bool(checked_at) and timezone.now() - checked_at < timedelta(minutes=1),
        "connect_url": request.path,
        "retry_url": f"{request.path}?refresh=1",
        "unfinished": unfinished,
    }
    return render(request, "conductor_django/settings.html", context)


def _render_failure(request, owner, exc):
    """Conductor's own words where it said something about this account; a neutral page for
    outages (whose message is Conductor's masked generic text) and for no answer at all; the
    "setting up" page while a create that may still complete at Conductor holds new ones off."""
    if not owner.conductor_end_user_id:
        held = next_attempt_at(owner)
        logger.warning(
            "%s The settings page shows %s.",
            failure_summary(owner, exc),
            "that it is being set up" if held else "that QuickBooks cannot be reached",
        )
        if held:
            return _render(request, owner, "setting_up")
    else:
        logger.warning(
            "Conductor failed a call from the QuickBooks settings page of %s: %s.",
            owner_label(owner),
            describe(exc),
        )
    if not exc.is_outage and exc.user_facing_message:
        return _render(request, owner, "error", message=exc.user_facing_message)
    return _render(request, owner, "unavailable")


def start_auth_flow(request, owner, next_url):
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


@never_cache
@login_required
@require_safe
def connection_settings(request):
    owner = _owner_or_404(request)
    next_url = safe_next(request, request.GET.get("next"))
    max_age = 0 if request.GET.get("refresh") else app_settings.STATUS_CACHE_TTL
    # Straight back from a flow the user did not finish: offer it again rather than loop into it.
    unfinished = request.session.pop(UNFINISHED_FLOW_KEY, False)
    try:
        status = connection.check(owner, max_age=max_age)
        if status.status == Status.NOT_SET_UP and can_manage(request, owner) and not unfinished:
            return start_auth_flow(request, owner, next_url)
    except ProvisioningInProgress as exc:
        logger.info("%s The settings page shows that it is being set up.", exc)
        return _render(request, owner, "setting_up")
    except ConductorError as exc:
        return _render_failure(request, owner, exc)
    outcome = {Status.CONNECTED: "connected", Status.NOT_SET_UP: "not_set_up"}.get(
        status.status, "error"
    )
    return _render(request, owner, outcome, status, status.user_facing_message, unfinished)


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
def callback(request):
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
    flash = urlsplit(destination).path != reverse("conductor_django:settings")
    try:
        status = connection.check(owner)
    except ProvisioningInProgress as exc:
        logger.info("%s Could not confirm the connection after the auth flow.", exc)
        if flash:
            messages.warning(
                request, _("We could not confirm your QuickBooks Desktop connection yet.")
            )
        return HttpResponseRedirect(destination)
    except ConductorError as exc:
        logger.warning(
            "Could not confirm the QuickBooks connection of %s after the auth flow: %s.",
            owner_label(owner),
            describe(exc),
        )
        if flash:
            messages.warning(
                request, _("We could not confirm your QuickBooks Desktop connection yet.")
            )
        return HttpResponseRedirect(destination)
    if status.status == Status.NOT_SET_UP:
        request.session[UNFINISHED_FLOW_KEY] = True
    if flash:
        if status.status == Status.CONNECTED:
            messages.success(request, _("QuickBooks Desktop is connected."))
        elif status.status == Status.NOT_SET_UP:
            messages.warning(
                request, _("QuickBooks Desktop was not connected: setup was not finished.")
            )
        else:
            messages.error(
                request, _("There is a problem with your QuickBooks Desktop connection.")
            )
    return HttpResponseRedirect(destination)


@login_required
@require_POST
def disconnect(request):
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
