"""What the admin classes share: links to rows, the app's permissions, read-only admins, and how
a health check run from the admin is reported."""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import bulk
from ..models import ConnectionStatus

Status = ConnectionStatus.Status


def admin_link(obj):
    if obj is None:
        return gettext("(deleted)")
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, obj)


def when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def links_issued(end_user_id):
    """A link to the connection links issued to this end-user, where the admin shows them."""
    try:
        url = reverse("admin:conductor_django_authsessionrecord_changelist")
    except NoReverseMatch:
        return ""
    query = urlencode({"end_user_id": end_user_id})
    return format_html('<a href="{}?{}">{}</a>', url, query, gettext("Links issued"))


def failure_text(exc):
    """Conductor's words for the end-user where it gave them; our own where it gave none."""
    if getattr(exc, "user_facing_message", None):
        return exc.user_facing_message
    return gettext("Conductor could not be reached. Please try again in a few minutes.")


class ActionPermissions:
    """The app's own permissions, each needed (with change) for the action of the same name."""

    def has_send_connection_link_permission(self, request):
        return request.user.has_perm("conductor_django.send_connection_link")

    def has_run_health_check_permission(self, request):
        return request.user.has_perm("conductor_django.run_health_check")

    def has_create_end_users_permission(self, request):
        return request.user.has_perm("conductor_django.create_end_users")

    def has_disconnect_quickbooks_permission(self, request):
        return request.user.has_perm("conductor_django.disconnect_quickbooks")


class ReadOnlyAdmin(admin.ModelAdmin):
    """The app writes these rows; staff only read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("owner")

    @admin.display(description=_("owner"))
    def owner_link(self, obj):
        return admin_link(obj.owner)


# Running a health check, shared by the owner admin and the connection status admin.


def check_owner_and_report(model_admin, request, owner):
    outcome, detail = bulk.check_owner(owner)
    values = {"owner": owner}
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
