"""The emulated hosted auth flow at ``<mount>/qbd/<clientSecret>?key=<publishableKey>``.

Pages (every link carries ``?key=``):

1. ``qbd/<secret>``: download the .qwc file (``#download-qwc``), then ``#continue``.
2. ``qbd/<secret>/password``: the Web Connector password (``#wc-password``), then ``#continue``.
3. ``qbd/<secret>/authorize``: QuickBooks' permission prompt, and the tester picks the outcome:
   ``#outcome-connect``, ``#outcome-wrong-permission`` or ``#outcome-abandon`` (POST + CSRF).

Connect and wrong-permission complete the session and redirect (302) to ``redirectUrl`` exactly
as stored, or show "you can close this tab" (``#flow-done``). Abandon shows ``#flow-abandoned``
(with ``#back-to-app`` when there is a ``redirectUrl``); the link stays usable until it expires.
Unusable links show ``#flow-error`` with ``data-reason``: ``unknown`` (404), ``bad-key`` (403),
``expired`` / ``completed`` (410).
"""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import config, qwc, sessions
from .models import AuthSession

_ERRORS: dict[str, tuple[int, Promise, Promise]] = {
    "unknown": (
        404,
        gettext_lazy("This setup link is not valid"),
        gettext_lazy("Check that you copied the whole link, or ask for a new one."),
    ),
    "bad-key": (
        403,
        gettext_lazy("This setup link is incomplete"),
        gettext_lazy(
            "The link is missing its key or the key does not match. Use the exact link you got."
        ),
    ),
    "expired": (
        410,
        gettext_lazy("This setup link has expired"),
        gettext_lazy("Go back to the application and start the QuickBooks Desktop setup again."),
    ),
    "completed": (
        410,
        gettext_lazy("This setup link has already been used"),
        gettext_lazy(
            "QuickBooks Desktop setup was already completed with this link. You can close this tab."
        ),
    ),
}


def _error_page(request: HttpRequest, reason: str) -> HttpResponse:
    status, title, detail = _ERRORS[reason]
    return render(
        request,
        "conductor_sandbox/flow_error.html",
        {"title": title, "detail": detail, "reason": reason},
        status=status,
    )


def _load(request: HttpRequest, client_secret: str) -> AuthSession | HttpResponse:
    """The session, or the error page to answer instead."""
    session = (
        AuthSession.objects.select_related("end_user").filter(client_secret=client_secret).first()
    )
    if session is None:
        return _error_page(request, "unknown")
    key = request.GET.get("key", "")
    if not config.keys_match(key, session.publishable_key):
        return _error_page(request, "bad-key")
    try:
        sessions.check_usable(session)
    except sessions.FlowUnavailable as unavailable:
        return _error_page(request, unavailable.reason)
    return session


def _namespace(request: HttpRequest) -> str:
    # Every view of the flow is reached through the sandbox's URLconf.
    assert request.resolver_match is not None
    return request.resolver_match.namespace


def _url(request: HttpRequest, name: str, session: AuthSession) -> str:
    namespace = _namespace(request)
    path = reverse(f"{namespace}:{name}", kwargs={"client_secret": session.client_secret})
    return path + "?" + urlencode({"key": session.publishable_key})


def _context(request: HttpRequest, session: AuthSession, step: int) -> dict[str, Any]:
    return {
        "session": session,
        "company_name": session.end_user.company_name,
        "step": step,
        "qwc_url": _url(request, "flow_qwc", session),
        "password_url": _url(request, "flow_password", session),
        "authorize_url": _url(request, "flow_authorize", session),
        "complete_url": _url(request, "flow_complete", session),
    }


@config.require_enabled
@require_GET
def download_step(request: HttpRequest, client_secret: str) -> HttpResponse:
    session = _load(request, client_secret)
    if isinstance(session, HttpResponse):
        return session
    sessions.start(session)
    return render(request, "conductor_sandbox/flow_download.html", _context(request, session, 1))


@config.require_enabled
@require_GET
def qwc_file(request: HttpRequest, client_secret: str) -> HttpResponse:
    session = _load(request, client_secret)
    if isinstance(session, HttpResponse):
        return session
    namespace = _namespace(request)
    content = qwc.build(
        app_name=f"Conductor sandbox ({session.end_user.company_name})",
        # Nothing speaks the Web Connector's SOAP protocol here: the outcome buttons stand in.
        app_url=request.build_absolute_uri(reverse(f"{namespace}:api_root")),
        app_support=request.build_absolute_uri(reverse(f"{namespace}:dashboard")),
        description="Connects QuickBooks Desktop to the offline Conductor sandbox.",
        user_name=f"sandbox-{session.end_user_id[-8:]}",
        owner_id=session.owner_id,
        file_id=session.file_id,
    )
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="conductor-sandbox.qwc"'
    return response


@config.require_enabled
@require_GET
def password_step(request: HttpRequest, client_secret: str) -> HttpResponse:
    session = _load(request, client_secret)
    if isinstance(session, HttpResponse):
        return session
    return render(request, "conductor_sandbox/flow_password.html", _context(request, session, 2))


@config.require_enabled
@require_GET
def authorize_step(request: HttpRequest, client_secret: str) -> HttpResponse:
    session = _load(request, client_secret)
    if isinstance(session, HttpResponse):
        return session
    return render(request, "conductor_sandbox/flow_authorize.html", _context(request, session, 3))


@config.require_enabled
@require_POST
def complete(request: HttpRequest, client_secret: str) -> HttpResponse:
    session = _load(request, client_secret)
    if isinstance(session, HttpResponse):
        return session
    outcome = request.POST.get("outcome", "")
    if outcome not in sessions.OUTCOMES:
        return HttpResponse(_("Unknown outcome."), status=400, content_type="text/plain")
    sessions.finish(session, outcome)
    if outcome == sessions.ABANDON:
        return render(request, "conductor_sandbox/flow_abandoned.html", {"session": session})
    if session.redirect_url:
        # Exactly the stored URL: Conductor adds no status or error parameters.
        return HttpResponseRedirect(session.redirect_url)
    return render(request, "conductor_sandbox/flow_done.html", {"session": session})
