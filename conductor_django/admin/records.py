"""Read-only admin pages for the rows the app writes: connection statuses, the links issued and
the end-user ids replaced after Conductor lost them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import AuthSessionRecord, ConnectionStatus, ReplacedEndUser
from .common import ActionPermissions, ReadOnlyAdmin, check_owner_and_report, links_issued

Status = ConnectionStatus.Status


class ConnectionFilter(admin.SimpleListFilter):
    title = _("connection")
    parameter_name = "connection"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            (Status.CONNECTED, _("Connected")),
            (Status.NOT_SET_UP, _("Not set up")),
            (Status.ERROR, _("Error")),
            ("never_checked", _("Never checked")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "never_checked":
            return queryset.filter(checked_at__isnull=True)
        if value in {Status.CONNECTED, Status.NOT_SET_UP, Status.ERROR}:
            return queryset.filter(status=value, checked_at__isnull=False)
        return queryset


@admin.register(ConnectionStatus)
class ConnectionStatusAdmin(ActionPermissions, ReadOnlyAdmin):
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
    def links_issued(self, obj: Any) -> str:
        return links_issued(obj.end_user_id)

    @admin.action(description=_("Run health check now"), permissions=["run_health_check"])
    def run_health_check(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for status in queryset.order_by("pk"):
            if status.owner is None:
                self.message_user(
                    request,
                    gettext("%(end_user)s: its owner no longer exists.")
                    % {"end_user": status.end_user_id},
                    messages.WARNING,
                )
                continue
            check_owner_and_report(self, request, status.owner)


class LinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pending", _("Pending")),
            ("completed", _("Completed")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "completed":
            return queryset.filter(completed_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(completed_at__isnull=True, expires_at__gte=now)
        if self.value() == "expired":
            return queryset.filter(completed_at__isnull=True, expires_at__lt=now)
        return queryset


@admin.register(AuthSessionRecord)
class AuthSessionRecordAdmin(ReadOnlyAdmin):
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
    def state(self, obj: AuthSessionRecord) -> str:
        if obj.completed_at:
            return gettext("Completed")
        if obj.expires_at < timezone.now():
            return gettext("Expired")
        return gettext("Pending")


@admin.register(ReplacedEndUser)
class ReplacedEndUserAdmin(ReadOnlyAdmin):
    """End-user ids owners no longer use because Conductor had lost them; the owner's change page
    lists its own."""

    list_display = ("replaced_at", "owner_link", "end_user_id", "request_id")
    list_filter = ("replaced_at",)
    date_hierarchy = "replaced_at"
    search_fields = ("end_user_id", "owner_id", "request_id")
    fields = ("owner_link", "end_user_id", "request_id", "replaced_at", "links_issued")
    readonly_fields = fields

    @admin.display(description=_("links issued"))
    def links_issued(self, obj: Any) -> str:
        return links_issued(obj.end_user_id)
