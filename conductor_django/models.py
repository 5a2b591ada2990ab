"""Conductor's records: the owner mixin, connection statuses, the links issued, the provisioning
lease and the end-users replaced. The abstract bases every provider shares are in
``core.models`` (re-exported here)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .core.models import OwnerReference, ProvisioningClaim

__all__ = [
    "AuthSessionRecord",
    "ConductorEndUserMixin",
    "ConnectionStatus",
    "EndUserClaim",
    "OwnerReference",
    "ProvisioningClaim",
    "ReplacedEndUser",
]


class ConductorEndUserMixin(models.Model):
    """Adds ``conductor_end_user_id`` to the host's user (or organization) model.

    The field definition is frozen: any change to it forces a migration on every host.
    """

    conductor_end_user_id = models.CharField(
        _("Conductor end-user ID"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    class Meta:
        abstract = True


class ConnectionStatus(OwnerReference):
    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        NOT_SET_UP = "not_set_up", _("Not set up")
        CONNECTED = "connected", _("Connected")
        ERROR = "error", _("Error")

    end_user_id = models.CharField(_("Conductor end-user ID"), max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN, db_index=True
    )
    error_code = models.CharField(_("error code"), max_length=100, blank=True)
    integration_code = models.CharField(_("integration code"), max_length=50, blank=True)
    user_facing_message = models.TextField(_("user-facing message"), blank=True)
    request_id = models.CharField(_("Conductor request ID"), max_length=100, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, db_index=True)
    first_connected_at = models.DateTimeField(_("first connected"), null=True, blank=True)
    disconnected_at = models.DateTimeField(_("disconnected"), null=True, blank=True)

    class Meta:
        verbose_name = _("QuickBooks Desktop connection")
        verbose_name_plural = _("QuickBooks Desktop connections")
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        permissions = [
            ("send_connection_link", _("Can send QuickBooks Desktop connection links")),
            ("run_health_check", _("Can run QuickBooks Desktop health checks")),
            ("create_end_users", _("Can create missing Conductor end-users")),
            ("disconnect_quickbooks", _("Can disconnect QuickBooks Desktop")),
        ]

    def __str__(self) -> str:
        # What a page shows for ``{{ status }}``; the admin lists the end-user id beside it.
        return str(self.label)

    @property
    def is_connected(self) -> bool:
        return self.status == self.Status.CONNECTED

    @property
    def label(self) -> str | Promise:
        """The status as a page names it: to an end-user, "not set up" means "not connected"."""
        if self.status == self.Status.NOT_SET_UP:
            return _("Not connected")
        return self.get_status_display()

    @property
    def css_status(self) -> str:
        return self.status.replace("_", "-")


class AuthSessionRecord(OwnerReference):
    """An auth session we issued. The client secret and authFlowUrl are bearer credentials and
    are never stored."""

    class Reason(models.TextChoices):
        SETTINGS_PAGE = "settings_page", _("Settings page")
        EMAILED_LINK = "emailed_link", _("Emailed link")
        API = "api", _("API")
        COMMAND = "command", _("Management command")

    auth_session_id = models.CharField(_("auth session ID"), max_length=100, unique=True)
    end_user_id = models.CharField(_("Conductor end-user ID"), max_length=100, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    sent_to = models.EmailField(_("sent to"), blank=True)
    redirect_url = models.URLField(_("redirect URL"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("connection link")
        verbose_name_plural = _("connection links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.auth_session_id


class EndUserClaim(ProvisioningClaim):
    """A lease on creating one owner's end-user, so concurrent tasks create it exactly once.

    Deleted once the id is stored. A leftover claim means an attempt failed or its process died
    after Conductor may already have created the end-user: the next attempt looks for it by
    ``sourceId`` before creating another.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner_type", "owner_id"], name="conductor_one_claim")
        ]


class ReplacedEndUser(OwnerReference):
    """An end-user id an owner used to have: Conductor answered ``RESOURCE_MISSING`` for it (it
    was deleted on Conductor's dashboard, or the keys now open another Conductor project), so the
    app forgot it and gave the owner another."""

    end_user_id = models.CharField(_("Conductor end-user ID"), max_length=100, db_index=True)
    request_id = models.CharField(
        _("Conductor request ID"),
        max_length=100,
        blank=True,
        help_text=_("The request Conductor answered RESOURCE_MISSING to."),
    )
    replaced_at = models.DateTimeField(_("replaced at"), db_index=True)

    class Meta:
        verbose_name = _("replaced end-user")
        verbose_name_plural = _("replaced end-users")
        ordering = ["-replaced_at"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return self.end_user_id
