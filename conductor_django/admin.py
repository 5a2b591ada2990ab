"""Admin pages for support staff: connection statuses, the links issued, and owner actions.

A host adds ``ConductorOwnerAdminMixin`` to the admin of its owner model (the user, or the
organization) to get the actions and a read-only view of the connection on the change page::

    @admin.register(User)
    class UserAdmin(ConductorOwnerAdminMixin, auth_admin.UserAdmin):
        pass

Each action needs the owner model's change permission and a permission of its own, granted on
"QuickBooks Desktop connection": ``conductor_django.send_connection_link``,
``conductor_django.run_health_check``, ``conductor_django.create_end_users`` and
``conductor_django.disconnect_quickbooks``.

Nothing here shows the secret key, an ``authFlowUrl`` or a client secret: none of them is stored,
and the emailed link leaves only through the email.
"""

import logging
import smtplib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import bulk, connection, emails
from .client import ConductorError
from .conf import MAX_LINK_EXPIRY_MINUTES, MIN_LINK_EXPIRY_MINUTES
from .emails import expiry_minutes_or_default, owner_email
from .models import AuthSessionRecord, ConnectionStatus
from .provisioning import ProvisioningInProgress

logger = logging.getLogger("conductor_django.admin")
Status = ConnectionStatus.Status


def _admin_link(obj):
    if obj is None:
        return gettext("(deleted)")
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, obj)


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _links_issued(end_user_id):
    """A link to the connection links issued to this end-user, where the admin shows them."""
    try:
        url = reverse("admin:conductor_django_authsessionrecord_changelist")
    except NoReverseMatch:
        return ""
    query = urlencode({"end_user_id": end_user_id})
    return format_html('<a href="{}?{}">{}</a>', url, query, gettext("Links issued"))


def _failure_text(exc):
    """Conductor's words for the end-user where it gave them; our own where it gave none."""
    if getattr(exc, "user_facing_message", None):
        return exc.user_facing_message
    return gettext("Conductor could not be reached. Please try again in a few minutes.")


class _ActionPermissions:
    """The app's own permissions, each needed (with change) for the action of the same name."""

    def has_send_connection_link_permission(self, request):
        return request.user.has_perm("conductor_django.send_connection_link")

    def has_run_health_check_permission(self, request):
        return request.user.has_perm("conductor_django.run_health_check")

    def has_create_end_users_permission(self, request):
        return request.user.has_perm("conductor_django.create_end_users")

    def has_disconnect_quickbooks_permission(self, request):
        return request.user.has_perm("conductor_django.disconnect_quickbooks")


class _ReadOnlyAdmin(admin.ModelAdmin):
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
        return _admin_link(obj.owner)


# Running a health check, shared by the owner admin and the connection status admin.


def _check_owner(model_admin, request, owner):
    outcome, detail = bulk.check_owner(owner)
    values = {"owner": owner}
    if outcome == "in_progress":
        text = gettext(
            "%(owner)s: its Conductor end-user is being created right now; try again in a minute."
        )
        level = messages.WARNING
    elif outcome == "failed":
        text = gettext("%(owner)s: could not run the health check: %(message)s")
        values["message"], level = _failure_text(detail), messages.ERROR
    elif outcome == Status.CONNECTED:
        text, level = gettext("%(owner)s: connected."), messages.SUCCESS
    elif outcome == Status.NOT_SET_UP:
        text, level = gettext("%(owner)s: not set up yet."), messages.WARNING
    else:
        text, level = gettext("%(owner)s: %(message)s (%(code)s)"), messages.WARNING
        values.update(message=detail.user_facing_message, code=detail.error_code)
    model_admin.message_user(request, text % values, level)


class ConnectionFilter(admin.SimpleListFilter):
    title = _("connection")
    parameter_name = "connection"

    def lookups(self, request, model_admin):
        return [
            (Status.CONNECTED, _("Connected")),
            (Status.NOT_SET_UP, _("Not set up")),
            (Status.ERROR, _("Error")),
            ("never_checked", _("Never checked")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "never_checked":
            return queryset.filter(checked_at__isnull=True)
        if value in {Status.CONNECTED, Status.NOT_SET_UP, Status.ERROR}:
            return queryset.filter(status=value, checked_at__isnull=False)
        return queryset


@admin.register(ConnectionStatus)
class ConnectionStatusAdmin(_ActionPermissions, _ReadOnlyAdmin):
    list_display = (
        "end_user_id",
        "owner_link",
        "status",
        "error_code",
        "checked_at",
        "first_connected_at",
        "disconnected_at",
    )
    list_filter = (ConnectionFilter, "checked_at", "error_code")
    date_hierarchy = "checked_at"
    search_fields = ("end_user_id", "owner_id", "error_code", "user_facing_message")
    fields = (
        "owner_link",
        "end_user_id",
        "status",
        "error_code",
        "integration_code",
        "user_facing_message",
        "request_id",
        "checked_at",
        "first_connected_at",
        "disconnected_at",
        "links_issued",
    )
    readonly_fields = fields
    actions = ["run_health_check"]

    @admin.display(description=_("links issued"))
    def links_issued(self, obj):
        return _links_issued(obj.end_user_id)

    @admin.action(description=_("Run health check now"), permissions=["run_health_check"])
    def run_health_check(self, request, queryset):
        for status in queryset.order_by("pk"):
            if status.owner is None:
                self.message_user(
                    request,
                    gettext("%(end_user)s: its owner no longer exists.")
                    % {"end_user": status.end_user_id},
                    messages.WARNING,
                )
                continue
            _check_owner(self, request, status.owner)


class LinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Pending")),
            ("completed", _("Completed")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "completed":
            return queryset.filter(completed_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(completed_at__isnull=True, expires_at__gte=now)
        if self.value() == "expired":
            return queryset.filter(completed_at__isnull=True, expires_at__lt=now)
        return queryset


@admin.register(AuthSessionRecord)
class AuthSessionRecordAdmin(_ReadOnlyAdmin):
    list_display = (
        "created_at",
        "owner_link",
        "reason",
        "issued_by",
        "sent_to",
        "expires_at",
        "completed_at",
        "state",
    )
    list_filter = (LinkStateFilter, "reason", "created_at")
    list_select_related = ("issued_by",)
    date_hierarchy = "created_at"
    search_fields = ("auth_session_id", "end_user_id", "sent_to", "owner_id")
    fields = (
        "owner_link",
        "end_user_id",
        "auth_session_id",
        "reason",
        "issued_by",
        "sent_to",
        "redirect_url",
        "created_at",
        "expires_at",
        "completed_at",
        "state",
    )
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.completed_at:
            return gettext("Completed")
        if obj.expires_at < timezone.now():
            return gettext("Expired")
        return gettext("Pending")


class SendLinkForm(forms.Form):
    send_to = forms.EmailField(
        label=_("Send to"),
        required=False,
        help_text=_(
            "Leave empty to email each owner. Give an address (for example, the bookkeeper who "
            "runs QuickBooks) to send one owner's link there instead."
        ),
    )
    expiry_minutes = forms.IntegerField(
        label=_("Link expires after (minutes)"),
        min_value=MIN_LINK_EXPIRY_MINUTES,
        max_value=MAX_LINK_EXPIRY_MINUTES,
    )

    def __init__(self, *args, owner_count, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_count = owner_count
        self.fields["expiry_minutes"].initial = expiry_minutes_or_default()

    def clean_send_to(self):
        send_to = self.cleaned_data["send_to"]
        if send_to and self.owner_count > 1:
            # One address for several owners would hand one person every owner's credential.
            raise forms.ValidationError(
                gettext("Another address can be given only when one owner is selected.")
            )
        return send_to


class ConductorOwnerAdminMixin(_ActionPermissions):
    """Conductor actions and the connection's status for a host's owner admin (user or
    organization). Set ``conductor_actions`` to a subset of the names below to offer fewer."""

    conductor_actions = (
        "send_connection_link",
        "run_health_check",
        "create_end_users",
        "disconnect_quickbooks",
    )
    conductor_fields = ("conductor_end_user_id", "conductor_connection")

    # Actions join whatever the host's admin offers, however it declares its own.

    # ``action_location`` is Django 6.1's (ActionLocation); before it, actions were tuples.
    def get_actions(self, request, action_location=None):
        location = {} if action_location is None else {"action_location": action_location}
        actions = super().get_actions(request, **location)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for name in self.conductor_actions:
            action = self.get_action(name, **location)
            if action is None or name in actions:
                continue
            func = getattr(action, "func", None) or action[0]
            permissions = getattr(func, "allowed_permissions", ())
            if all(getattr(self, f"has_{p}_permission")(request) for p in permissions):
                actions[name] = action
        return actions

    # The change page shows the recorded connection (no network call) below the host's fields.

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.conductor_fields if name not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        shown = flatten_fieldsets(fieldsets)
        missing = [name for name in self.conductor_fields if name not in shown]
        if missing:
            fieldsets = [*fieldsets, (_("QuickBooks Desktop"), {"fields": missing})]
        return fieldsets

    @admin.display(description=_("QuickBooks Desktop connection"))
    def conductor_connection(self, obj):
        if not obj.conductor_end_user_id:
            return gettext("No Conductor end-user yet.")
        status = connection.recorded_status(obj)
        links = _links_issued(obj.conductor_end_user_id)
        if status is None or status.checked_at is None:
            return format_html("{} · {}", gettext("Never checked"), links)
        summary = gettext("%(status)s, last checked %(when)s") % {
            "status": status.get_status_display(),
            "when": _when(status.checked_at),
        }
        if status.status == Status.ERROR:
            return format_html(
                "{}<br>{}: {}<br>{}",
                summary,
                status.error_code,
                status.user_facing_message,
                links,
            )
        return format_html("{} · {}", summary, links)

    # Actions

    def _confirmation(self, request, queryset, template, title, action, extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, f"conductor_django/admin/{template}", context)

    @admin.action(
        description=_("Send QuickBooks Desktop connection link"),
        permissions=["change", "send_connection_link"],
    )
    def send_connection_link(self, request, queryset):
        owners = list(queryset.order_by("pk"))
        data = request.POST if request.POST.get("post") == "yes" else None
        form = SendLinkForm(data, owner_count=len(owners))
        if not form.is_bound or not form.is_valid():
            rows = [(owner, owner_email(owner)) for owner in owners]
            return self._confirmation(
                request,
                owners,
                "send_connection_link.html",
                gettext("Send QuickBooks Desktop connection links"),
                "send_connection_link",
                {"rows": rows, "form": form},
            )
        for owner in owners:
            self._send_link(request, owner, form.cleaned_data)
        return None

    def _send_link(self, request, owner, options):
        to = options["send_to"] or owner_email(owner)
        values = {"owner": owner, "address": to}
        if not to:
            text = gettext(
                "%(owner)s: no link sent, as there is no email address; select it alone and "
                "give one in “Send to”."
            )
            self.message_user(request, text % values, messages.ERROR)
            return
        try:
            record = emails.send_connection_link(
                owner, to=to, issued_by=request.user, expiry_minutes=options["expiry_minutes"]
            )
        except ProvisioningInProgress:
            text = gettext(
                "%(owner)s: no link sent, as its Conductor end-user is being created right now; "
                "try again in a minute."
            )
            self.message_user(request, text % values, messages.WARNING)
            return
        except ConductorError as exc:
            logger.warning("Admin could not create a link for %s: %s", owner.pk, exc)
            values["message"] = _failure_text(exc)
            text = gettext("%(owner)s: no link sent: %(message)s")
            self.message_user(request, text % values, messages.ERROR)
            return
        except (smtplib.SMTPException, OSError) as exc:
            logger.error("Could not email a connection link for %s: %s", owner.pk, exc)
            text = gettext("%(owner)s: the email to %(address)s could not be sent.")
            self.message_user(request, text % values, messages.ERROR)
            return
        values["expires"] = _when(record.expires_at)
        text = gettext(
            "%(owner)s: sent a QuickBooks Desktop connection link to %(address)s; it expires "
            "%(expires)s."
        )
        self.message_user(request, text % values, messages.SUCCESS)

    @admin.action(description=_("Run health check now"), permissions=["change", "run_health_check"])
    def run_health_check(self, request, queryset):
        for owner in queryset.order_by("pk"):
            _check_owner(self, request, owner)

    @admin.action(
        description=_("Create missing Conductor end-users"),
        permissions=["change", "create_end_users"],
    )
    def create_end_users(self, request, queryset):
        already = 0
        for owner in queryset.order_by("pk"):
            if owner.conductor_end_user_id:
                already += 1
                continue
            outcome, detail = bulk.create_end_user(owner)
            if outcome == "in_progress":
                text = gettext("%(owner)s: its end-user is being created right now.")
                self.message_user(request, text % {"owner": owner}, messages.WARNING)
            elif outcome == "failed":
                text = gettext("%(owner)s: could not create its end-user: %(message)s")
                values = {"owner": owner, "message": _failure_text(detail)}
                self.message_user(request, text % values, messages.ERROR)
            else:
                text = gettext("%(owner)s: created Conductor end-user %(end_user)s.")
                values = {"owner": owner, "end_user": detail}
                self.message_user(request, text % values, messages.SUCCESS)
        if already:
            text = gettext("%(count)d selected already had a Conductor end-user.")
            self.message_user(request, text % {"count": already}, messages.INFO)

    @admin.action(
        description=_("Disconnect QuickBooks Desktop"),
        permissions=["change", "disconnect_quickbooks"],
    )
    def disconnect_quickbooks(self, request, queryset):
        owners = list(queryset.order_by("pk"))
        if request.POST.get("post") != "yes":
            return self._confirmation(
                request,
                owners,
                "disconnect.html",
                gettext("Disconnect QuickBooks Desktop"),
                "disconnect_quickbooks",
                {},
            )
        for owner in owners:
            try:
                done = connection.disconnect(owner)
            except ConductorError as exc:
                logger.warning("Admin could not disconnect %s: %s", owner.pk, exc)
                text = gettext("%(owner)s: could not disconnect: %(message)s")
                values = {"owner": owner, "message": _failure_text(exc)}
                self.message_user(request, text % values, messages.ERROR)
            else:
                if done:
                    text, level = gettext("%(owner)s: disconnected."), messages.SUCCESS
                else:
                    text = gettext("%(owner)s: had no Conductor end-user; nothing to disconnect.")
                    level = messages.WARNING
                self.message_user(request, text % {"owner": owner}, level)
        return None
