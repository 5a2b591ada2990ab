"""``ConductorOwnerAdminMixin``: the Conductor actions and the recorded connection on a host's
owner admin (its user, or its organization)."""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import bulk, connection, emails, provisioning
from ..client import ConductorError
from ..conf import MAX_LINK_EXPIRY_MINUTES, MIN_LINK_EXPIRY_MINUTES
from ..core import admin as core
from ..emails import expiry_minutes_or_default, owner_email
from ..logs import describe, owner_label
from ..models import ConnectionStatus, ReplacedEndUser
from ..owners import is_owner_model, owner_model, owner_reference
from ..provisioning import ProvisioningInProgress
from .common import ActionPermissions, check_owner_and_report, failure_text, links_issued, when

logger = logging.getLogger("conductor_django.admin")
Status = ConnectionStatus.Status

if TYPE_CHECKING:
    # What the mixin is mixed into: the host's ModelAdmin.
    _Host = core.ModelAdmin
else:
    _Host = object


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

    def __init__(self, *args: Any, owner_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_count = owner_count
        self.fields["expiry_minutes"].initial = expiry_minutes_or_default()

    def clean_send_to(self) -> str:
        send_to: str = self.cleaned_data["send_to"]
        if send_to and self.owner_count > 1:
            # One address for several owners would hand one person every owner's credential.
            raise forms.ValidationError(
                gettext("Another address can be given only when one owner is selected.")
            )
        return send_to


class ConductorOwnerAdminMixin(ActionPermissions, _Host):
    """Conductor actions and the connection's status for a host's owner admin (user or
    organization). Set ``conductor_actions`` to a subset of the names below to offer fewer.

    On the admin of a model that is not the owner model (``CONDUCTOR["OWNER_MODEL"]``) none of
    the actions is offered, even where the admin lists them itself: its rows get no end-user.
    """

    conductor_actions = (
        "send_connection_link",
        "run_health_check",
        "create_end_users",
        "disconnect_quickbooks",
    )
    conductor_fields = ("conductor_end_user_id", "conductor_connection")

    # Actions join whatever the host's admin offers, however it declares its own.

    # ``action_location`` is Django 6.1's (ActionLocation); before it, actions were tuples.
    def get_actions(self, request: HttpRequest, action_location: Any = None) -> dict[str, Any]:
        location = {} if action_location is None else {"action_location": action_location}
        actions: dict[str, Any] = super().get_actions(request, **location)
        return core.owner_actions(self, request, actions, self.conductor_actions, location)

    # The change page shows the recorded connection (no network call) below the host's fields.

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [name for name in self.conductor_fields if name not in fields]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return core.with_section(fieldsets, _("QuickBooks Desktop"), self.conductor_fields)

    @admin.display(description=_("QuickBooks Desktop connection"))
    def conductor_connection(self, obj: Any) -> str:
        if not is_owner_model(obj.__class__):
            return gettext(
                "Rows of this model get no Conductor end-user: the owner model is %(model)s."
            ) % {"model": owner_model()._meta.verbose_name}
        replaced = self._replaced(obj)
        if not obj.conductor_end_user_id:
            return format_html("{}{}", gettext("No Conductor end-user yet."), replaced)
        return format_html("{}{}", self._recorded(obj), replaced)

    def _replaced(self, obj: Model) -> str:
        """The ids this owner had before Conductor lost them (``missing``), newest first."""
        rows = ReplacedEndUser.objects.filter(**owner_reference(obj))[:5]
        if not rows:
            return ""
        items = format_html_join(
            ", ", "{} ({})", ((row.end_user_id, when(row.replaced_at)) for row in rows)
        )
        label = gettext("Replaced, as Conductor no longer had them")
        return format_html("<br>{}: {}", label, items)

    def _recorded(self, obj: Any) -> str:
        status = connection.recorded_status(obj)
        links = links_issued(obj.conductor_end_user_id)
        if status is None or status.checked_at is None:
            return format_html("{} · {}", gettext("Never checked"), links)
        summary = gettext("%(status)s, last checked %(when)s") % {
            "status": status.get_status_display(),
            "when": when(status.checked_at),
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

    def _confirmation(
        self,
        request: HttpRequest,
        queryset: list[Model],
        template: str,
        title: str | Promise,
        action: str,
        extra: dict[str, Any],
    ) -> TemplateResponse:
        return core.confirmation(
            self, request, queryset, f"conductor_django/admin/{template}", title, action, extra
        )

    @admin.action(
        description=_("Send QuickBooks Desktop connection link"),
        permissions=["change", "send_connection_link"],
    )
    def send_connection_link(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> TemplateResponse | None:
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

    def _send_link(self, request: HttpRequest, owner: Any, options: dict[str, Any]) -> None:
        to = options["send_to"] or owner_email(owner)
        values: dict[str, Any] = {"owner": owner, "address": to}
        if not to:
            text = gettext(
                "%(owner)s: no link sent, as there is no email address; select it alone and "
                "give one in “Send to”."
            )
            self.message_user(request, text % values, messages.ERROR)
            return
        try:
            record = emails.send_connection_link(
                owner,
                to=to,
                issued_by=cast(AbstractBaseUser, request.user),
                expiry_minutes=options["expiry_minutes"],
            )
        except ProvisioningInProgress:
            text = gettext(
                "%(owner)s: no link sent, as its Conductor end-user is being created right now; "
                "try again in a minute."
            )
            self.message_user(request, text % values, messages.WARNING)
            return
        except ConductorError as exc:
            logger.warning(
                "The admin could not create a connection link for %s: %s.",
                owner_label(owner),
                describe(exc),
            )
            values["message"] = failure_text(exc)
            text = gettext("%(owner)s: no link sent: %(message)s")
            self.message_user(request, text % values, messages.ERROR)
            return
        except (smtplib.SMTPException, OSError) as exc:
            logger.error(
                "Could not email a connection link for %s: %s.",
                owner_label(owner),
                str(exc).rstrip("."),
            )
            text = gettext("%(owner)s: the email to %(address)s could not be sent.")
            self.message_user(request, text % values, messages.ERROR)
            return
        values["expires"] = when(record.expires_at)
        text = gettext(
            "%(owner)s: sent a QuickBooks Desktop connection link to %(address)s; it expires "
            "%(expires)s."
        )
        self.message_user(request, text % values, messages.SUCCESS)

    @admin.action(description=_("Run health check now"), permissions=["change", "run_health_check"])
    def run_health_check(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for owner in queryset.order_by("pk"):
            check_owner_and_report(self, request, owner)

    @admin.action(
        description=_("Create missing Conductor end-users"),
        permissions=["change", "create_end_users"],
    )
    def create_end_users(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for owner in queryset.order_by("pk"):
            outcome, detail = bulk.create_end_user(owner)
            values: dict[str, Any] = {"owner": owner}
            if outcome == "existing":
                text = gettext("%(owner)s: already had Conductor end-user %(end_user)s.")
                values["end_user"], level = detail, messages.INFO
            elif outcome == "created":
                text = gettext("%(owner)s: created Conductor end-user %(end_user)s.")
                values["end_user"], level = detail, messages.SUCCESS
            elif outcome == "held":
                text = gettext(
                    "%(owner)s: not created, as an earlier create may still complete at "
                    "Conductor (try again after %(when)s)"
                )
                values["when"], level = when(detail.retry_at or timezone.now()), messages.WARNING
            elif outcome == "in_progress":
                text = gettext(
                    "%(owner)s: its end-user is being created right now (try again after %(when)s)"
                )
                values["when"], level = when(detail.retry_at or timezone.now()), messages.WARNING
            else:
                text, level = self._create_failure(owner, detail, values)
            self.message_user(request, text % values, level)

    def _create_failure(
        self, owner: Model, error: Exception, values: dict[str, Any]
    ) -> tuple[str, int]:
        values["message"] = failure_text(error)
        held_until = provisioning.next_attempt_at(owner)
        if held_until:
            values["when"] = when(held_until)
            text = gettext(
                "%(owner)s: could not create its end-user: %(message)s (Conductor may still "
                "complete it: no new attempt before %(when)s)"
            )
        else:
            text = gettext("%(owner)s: could not create its end-user: %(message)s")
        return text, messages.ERROR

    @admin.action(
        description=_("Disconnect QuickBooks Desktop"),
        permissions=["change", "disconnect_quickbooks"],
    )
    def disconnect_quickbooks(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> TemplateResponse | None:
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
                logger.warning(
                    "The admin could not disconnect QuickBooks Desktop for %s: %s.",
                    owner_label(owner),
                    describe(exc),
                )
                text = gettext("%(owner)s: could not disconnect: %(message)s")
                values = {"owner": owner, "message": failure_text(exc)}
                self.message_user(request, text % values, messages.ERROR)
            else:
                if done:
                    text, level = gettext("%(owner)s: disconnected."), messages.SUCCESS
                else:
                    text = gettext("%(owner)s: had no Conductor end-user; nothing to disconnect.")
                    level = messages.WARNING
                self.message_user(request, text % {"owner": owner}, level)
        return None
