"""Admin pages for support staff: each owner's Codat connections, the links started, and owner
actions. Nothing here shows the API key or a ``linkUrl``: neither is stored.

A host adds ``CodatOwnerAdminMixin`` to the admin of its owner model (next to
``ConductorOwnerAdminMixin`` when it uses both providers)::

    @admin.register(User)
    class UserAdmin(ConductorOwnerAdminMixin, CodatOwnerAdminMixin, auth_admin.UserAdmin):
        pass

Each action needs the owner model's change permission and a permission of its own, granted on
"Codat connection": ``conductor_codat.create_codat_companies`` and
``conductor_codat.refresh_codat_connections``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..core import admin as core
from ..core.admin import ReadOnlyAdmin, when
from ..core.owners import is_owner_model, owner_model
from . import bulk, provisioning, records
from .models import CodatConnection, CodatLink
from .outcomes import CodatProblem, Problem

Status = CodatConnection.Status

if TYPE_CHECKING:
    _Host = core.ModelAdmin
else:
    _Host = object


class CodatPermissions:
    """The app's own permissions, each needed (with change) for the action of the same name."""

    def has_create_codat_companies_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_codat.create_codat_companies")

    def has_refresh_codat_connections_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_codat.refresh_codat_connections")


def _failure(problem: CodatProblem) -> str:
    return problem.message


def refresh_and_report(model_admin: Any, request: HttpRequest, owner: Model) -> None:
    """Refresh one owner's connections and say, in one message, what came of it."""
    outcome, detail = bulk.refresh_owner(owner)
    values: dict[str, Any] = {"owner": owner}
    if outcome == "refreshed":
        linked = sum(1 for row in detail if row.is_linked)
        values.update(count=len(detail), linked=linked)
        text = ngettext(
            "%(owner)s: %(count)s connection, %(linked)s connected.",
            "%(owner)s: %(count)s connections, %(linked)s connected.",
            len(detail),
        )
        level = messages.SUCCESS
    elif outcome == "in_progress":
        text = gettext(
            "%(owner)s: its Codat company is being created right now; try again in a minute."
        )
        level = messages.WARNING
    else:
        values["message"] = _failure(detail)
        text = gettext("%(owner)s: could not refresh its connections: %(message)s")
        level = messages.ERROR
    model_admin.message_user(request, text % values, level)


class CodatOwnerAdminMixin(CodatPermissions, _Host):
    """Codat actions and the recorded connections for a host's owner admin (user or
    organization). Set ``codat_actions`` to a subset of the names below to offer fewer.

    On the admin of a model that is not the owner model none of the actions is offered: its rows
    get no Codat company.
    """

    codat_actions = ("create_codat_companies", "refresh_codat_connections")
    codat_fields = ("codat_company_id", "codat_connections")

    # ``action_location`` is Django 6.1's (ActionLocation); before it, actions were tuples.
    def get_actions(self, request: HttpRequest, action_location: Any = None) -> dict[str, Any]:
        location = {} if action_location is None else {"action_location": action_location}
        actions: dict[str, Any] = super().get_actions(request, **location)
        return core.owner_actions(self, request, actions, self.codat_actions, location)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.codat_fields if name not in fields]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return core.with_section(fieldsets, _("Accounting platforms (Codat)"), self.codat_fields)

    @admin.display(description=_("Codat connections"))
    def codat_connections(self, obj: Any) -> str:
        """The recorded connections (no network call)."""
        if not is_owner_model(obj.__class__):
            return gettext(
                "Rows of this model get no Codat company: the owner model is %(model)s."
            ) % {"model": owner_model()._meta.verbose_name}
        if not obj.codat_company_id:
            return gettext("No Codat company yet.")
        rows = list(records.of_owner(obj))
        if not rows:
            return gettext("No connections.")
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}{}",
            (
                (
                    row.platform_name or row.platform_key,
                    row.label,
                    format_html(" ({})", records.error_words(row))
                    if records.error_words(row)
                    else "",
                )
                for row in rows
            ),
        )

    @admin.action(
        description=_("Create missing Codat companies"),
        permissions=["change", "create_codat_companies"],
    )
    def create_codat_companies(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for owner in queryset.order_by("pk"):
            outcome, detail = bulk.create_company(owner)
            values: dict[str, Any] = {"owner": owner}
            if outcome == "existing":
                text = gettext("%(owner)s: already had Codat company %(company)s.")
                values["company"], level = detail, messages.INFO
            elif outcome == "created":
                text = gettext("%(owner)s: created Codat company %(company)s.")
                values["company"], level = detail, messages.SUCCESS
            elif outcome == "held":
                text = gettext(
                    "%(owner)s: not created, as an earlier create may still complete at Codat "
                    "(try again after %(when)s)"
                )
                values["when"], level = when(detail.retry_at or timezone.now()), messages.WARNING
            elif outcome == "in_progress":
                text = gettext(
                    "%(owner)s: its company is being created right now (try again after %(when)s)"
                )
                values["when"], level = when(detail.retry_at or timezone.now()), messages.WARNING
            else:
                values["message"] = CodatProblem(Problem.UNAVAILABLE).message
                held_until = provisioning.next_attempt_at(owner)
                if held_until:
                    values["when"] = when(held_until)
                    text = gettext(
                        "%(owner)s: could not create its company: %(message)s (Codat may still "
                        "complete it: no new attempt before %(when)s)"
                    )
                else:
                    text = gettext("%(owner)s: could not create its company: %(message)s")
                level = messages.ERROR
            self.message_user(request, text % values, level)

    @admin.action(
        description=_("Refresh Codat connections"),
        permissions=["change", "refresh_codat_connections"],
    )
    def refresh_codat_connections(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for owner in queryset.order_by("pk"):
            if not owner.codat_company_id:
                self.message_user(
                    request,
                    gettext("%(owner)s: has no Codat company yet; nothing to refresh.")
                    % {"owner": owner},
                    messages.WARNING,
                )
                continue
            refresh_and_report(self, request, owner)


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Still at Codat")), ("yes", _("Deleted"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.register(CodatConnection)
class CodatConnectionAdmin(CodatPermissions, ReadOnlyAdmin):
    list_display = (
        "platform_name",
        "owner_link",
        "status",
        "data_status",
        "last_sync",
        "error_code",
        "status_changed_at",
        "deleted_at",
    )
    list_filter = (
        "status",
        DeletedFilter,
        "data_status",
        "source_type",
        "platform_name",
        "status_changed_at",
    )
    date_hierarchy = "status_changed_at"
    search_fields = ("connection_id", "company_id", "owner_id", "platform_name", "platform_key")
    fields = (
        "owner_link",
        "connection_id",
        "company_id",
        "platform_name",
        "platform_key",
        "source_type",
        "offline_connector",
        "status",
        "status_changed_at",
        "last_sync",
        "error_code",
        "error_message",
        "data_status",
        "data_status_detail",
        "data_checked_at",
        "created_at",
        "fact_at",
        "deleted_at",
    )
    readonly_fields = fields
    actions = ["refresh_codat_connections"]

    @admin.action(
        description=_("Refresh Codat connections"), permissions=["refresh_codat_connections"]
    )
    def refresh_codat_connections(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        done: set[tuple[int, str]] = set()
        for row in queryset.order_by("pk"):
            key = (row.owner_type_id, row.owner_id)
            if key in done:
                continue  # one refresh covers all of an owner's connections
            done.add(key)
            if row.owner is None:
                self.message_user(
                    request,
                    gettext("%(connection)s: its owner no longer exists.")
                    % {"connection": row.connection_id},
                    messages.WARNING,
                )
                continue
            refresh_and_report(self, request, row.owner)


class LinkOutcomeFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("completed", _("Connected")),
            ("cancelled", _("Cancelled")),
            ("failed", _("Not connected")),
            ("pending", _("Not back yet")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "completed":
            return queryset.filter(completed_at__isnull=False)
        if value == "cancelled":
            return queryset.filter(completed_at__isnull=True, status_code=403)
        if value == "failed":
            return queryset.filter(completed_at__isnull=True, returned_at__isnull=False).exclude(
                status_code=403
            )
        if value == "pending":
            return queryset.filter(returned_at__isnull=True, completed_at__isnull=True)
        return queryset


@admin.register(CodatLink)
class CodatLinkAdmin(ReadOnlyAdmin):
    """The funnel: who started which connection when, and how it came back."""

    list_display = (
        "created_at",
        "owner_link",
        "platform_name",
        "reason",
        "issued_by",
        "reused",
        "status_code",
        "completed_at",
        "outcome",
    )
    list_filter = (LinkOutcomeFilter, "reason", "platform_name", "created_at")
    list_select_related = ("issued_by",)
    date_hierarchy = "created_at"
    search_fields = ("connection_id", "company_id", "owner_id", "platform_name")
    fields = (
        "owner_link",
        "company_id",
        "connection_id",
        "platform_name",
        "platform_key",
        "reason",
        "issued_by",
        "reused",
        "created_at",
        "returned_at",
        "status_code",
        "completed_at",
        "outcome",
    )
    readonly_fields = fields

    @admin.display(description=_("outcome"))
    def outcome(self, obj: CodatLink) -> str:
        if obj.completed_at:
            return gettext("Connected")
        if obj.returned_at is None:
            return gettext("Not back yet")
        if obj.status_code == 403:
            return gettext("Cancelled")
        return gettext("Not connected")


# The webhook events log is registered with the webhook code.
from .webhooks import admin as _webhook_admin  # noqa: E402, F401
