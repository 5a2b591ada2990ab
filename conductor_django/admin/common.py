"""What the Conductor admin classes share: the app's permissions, links to the links issued, and
how a health check run from the admin is reported. Links to rows, read-only admins and the
confirmation pages are every provider's (``core.admin``, re-exported here)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext

from .. import bulk
from ..core.admin import ReadOnlyAdmin, admin_link, when
from ..models import ConnectionStatus

__all__ = [
    "ActionPermissions",
    "ReadOnlyAdmin",
    "admin_link",
    "check_owner_and_report",
    "failure_text",
    "links_issued",
    "when",
]

Status = ConnectionStatus.Status


def links_issued(end_user_id: str) -> str:
    """A link to the connection links issued to this end-user, where the admin shows them."""
    try:
        url = reverse("admin:conductor_django_authsessionrecord_changelist")
    except NoReverseMatch:
        return ""
    query = urlencode({"end_user_id": end_user_id})
    return format_html('<a href="{}?{}">{}</a>', url, query, gettext("Links issued"))


def failure_text(exc: Exception) -> str:
    """Conductor's words for the end-user where it gave them; our own where it gave none."""
    message = getattr(exc, "user_facing_message", None)
    if message:
        return str(message)
    return gettext("Conductor could not be reached. Please try again in a few minutes.")


class ActionPermissions:
    """The app's own permissions, each needed (with change) for the action of the same name."""

    def has_send_connection_link_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_django.send_connection_link")

    def has_run_health_check_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_django.run_health_check")

    def has_create_end_users_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_django.create_end_users")

    def has_disconnect_quickbooks_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_django.disconnect_quickbooks")


# Running a health check, shared by the owner admin and the connection status admin.


def check_owner_and_report(model_admin: Any, request: HttpRequest, owner: Model) -> None:
    outcome, detail = bulk.check_owner(owner)
    values: dict[str, Any] = {"owner": owner}
    if outcome == "in_progress":
        text = gettext(
            "%(owner)s: its Conductor end-user is being created right now; try again in a minute."
        )
        level = messages.WARNING
    elif outcome == "failed":
        text = gettext("%(owner)s: could not run the health check: %(message)s")
        values["message"], level = failure_text(detail), messages.ERROR
    elif outcome == Status.CONNECTED:
        text, level = gettext("%(owner)s: connected."), messages.SUCCESS
    elif outcome == Status.NOT_SET_UP:
        text, level = gettext("%(owner)s: not set up yet."), messages.WARNING
    else:
        text, level = gettext("%(owner)s: %(message)s (%(code)s)"), messages.WARNING
        values.update(message=detail.user_facing_message, code=detail.error_code)
    model_admin.message_user(request, text % values, level)
