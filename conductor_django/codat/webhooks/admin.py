"""The webhook events log: what Codat sent, whether processing applied it, how often Codat
delivered it again; and processing a stored event again, for staff with
``conductor_codat.replay_codatwebhookevent``.

Only verified events are stored, with no signature, secret or bearer link, so nothing here can
show one.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import processing
from .models import CodatWebhookEvent

Status = CodatWebhookEvent.Status


class DuplicateFilter(admin.SimpleListFilter):
    title = _("delivered more than once")
    parameter_name = "duplicate"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(duplicates__gt=0)
        if self.value() == "no":
            return queryset.filter(duplicates=0)
        return queryset


@admin.register(CodatWebhookEvent)
class CodatWebhookEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "received_at",
        "event_type",
        "company_id",
        "connection_id",
        "status",
        "duplicates",
        "processed_at",
        "outcome",
    )
    list_filter = ("status", DuplicateFilter, "event_type", "received_at")
    date_hierarchy = "received_at"
    search_fields = ("webhook_id", "event_id", "company_id", "connection_id")
    fields = (
        "webhook_id",
        "event_id",
        "event_type",
        "company_id",
        "connection_id",
        "generated_at",
        "signed_at",
        "received_at",
        "verified",
        "status",
        "outcome",
        "attempts",
        "processed_at",
        "duplicates",
        "last_duplicate_at",
        "payload_json",
    )
    readonly_fields = fields
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("conductor_codat.replay_codatwebhookevent")

    @admin.display(description=_("verified"))
    def verified(self, obj: CodatWebhookEvent) -> str:
        return gettext("Signature verified with secret %(number)s") % {"number": obj.secret_number}

    @admin.display(description=_("payload"))
    def payload_json(self, obj: CodatWebhookEvent) -> str:
        text = json.dumps(obj.payload, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html("<pre>{}</pre>", text)

    @admin.action(description=_("Process again"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        counts = {status: 0 for status in Status.values}
        # Oldest first, as Codat generated them; each is applied as of its own moment anyway.
        for event in queryset.order_by("generated_at", "pk"):
            counts[processing.process(event)] += 1
        done = counts[Status.PROCESSED] + counts[Status.IGNORED]
        self.message_user(
            request,
            ngettext("%(count)d event processed again.", "%(count)d events processed again.", done)
            % {"count": done},
            messages.SUCCESS,
        )
        if counts[Status.FAILED]:
            self.message_user(
                request,
                ngettext(
                    "%(count)d event failed again: see its outcome.",
                    "%(count)d events failed again: see their outcome.",
                    counts[Status.FAILED],
                )
                % {"count": counts[Status.FAILED]},
                messages.WARNING,
            )
