"""What every provider's admin shares: links to rows, read-only admins for the rows the app
writes, owner actions offered only on the owner model's admin and only to those with their
permission, the change page's extra section, and the actions' confirmation pages.

A provider's owner-admin mixin calls these from its own ``get_actions`` and ``get_fieldsets``,
so that a host's admin may combine several providers' mixins (each adds its own actions and its
own section).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .owners import is_owner_model

CONFIRMATION_TEMPLATE = "conductor_django/admin/confirmation.html"

if TYPE_CHECKING:
    # Generic in the stubs only: Django's own class cannot be subscripted at run time.
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin


def admin_link(obj: Model | None) -> str:
    if obj is None:
        return gettext("(deleted)")
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, obj)


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class ReadOnlyAdmin(ModelAdmin):
    """The app writes these rows; staff only read them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("owner")

    @admin.display(description=_("owner"))
    def owner_link(self, obj: Any) -> str:
        return admin_link(obj.owner)


def owner_actions(
    model_admin: Any,
    request: HttpRequest,
    actions: dict[str, Any],
    names: Iterable[str],
    location: dict[str, Any],
) -> dict[str, Any]:
    """``actions`` (what the host's admin offers) with a provider's owner ``names`` added where
    the user has each action's permissions; on a model that is not the owner model, with them
    removed (Django then refuses them if posted anyway: its rows get no provider record)."""
    if not is_owner_model(model_admin.model):
        for name in names:
            actions.pop(name, None)
        return actions
    if model_admin.actions is None or IS_POPUP_VAR in request.GET:
        return actions
    for name in names:
        action = model_admin.get_action(name, **location)
        if action is None or name in actions:
            continue
        func = getattr(action, "func", None) or action[0]
        permissions = getattr(func, "allowed_permissions", ())
        if all(getattr(model_admin, f"has_{p}_permission")(request) for p in permissions):
            actions[name] = action
    return actions


def with_section(
    fieldsets: Any, title: str | Promise, names: Sequence[str]
) -> list[tuple[Any, dict[str, Any]]]:
    """``fieldsets`` with a section titled ``title`` holding whichever of ``names`` they do not
    show yet."""
    shown = flatten_fieldsets(fieldsets)
    missing = [name for name in names if name not in shown]
    result = list(fieldsets)
    if missing:
        result.append((title, {"fields": missing}))
    return result


def confirmation(
    model_admin: Any,
    request: HttpRequest,
    queryset: Iterable[Model],
    template: str,
    title: str | Promise,
    action: str,
    extra: dict[str, Any],
) -> TemplateResponse:
    """An action's confirmation page (``template`` extends ``CONFIRMATION_TEMPLATE``); posting
    it runs the action again with ``post=yes``."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media,
        **extra,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, template, context)


def confirmed(request: HttpRequest) -> bool:
    """Whether the action's confirmation page was posted."""
    return request.POST.get("post") == "yes"
