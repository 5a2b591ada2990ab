"""Codat's records: the owner mixin, the lease on creating a company, each owner's connections
as last learnt, and the history of the links started.

Nothing here holds a secret: a connection's ``linkUrl`` (a bearer link) is never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..core.models import OwnerReference, ProvisioningClaim


class CodatCompanyMixin(models.Model):
    """Adds ``codat_company_id`` to the host's user (or organization) model.

    The field definition is frozen: any change to it forces a migration on every host.
    """

    codat_company_id = models.CharField(
        _("Codat company ID"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )

    class Meta:
        abstract = True


class CompanyClaim(ProvisioningClaim):
    """A lease on creating one owner's Codat company, so concurrent tasks create it exactly once.

    Deleted once the id is stored. A leftover claim means an attempt failed or its process died
    after Codat may already have created the company: the next attempt looks for it by its
    owner tag before creating another.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id"], name="conductor_codat_one_claim"
            )
        ]


class CodatConnection(OwnerReference):
    """One of an owner's Codat connections, as last learnt from Codat (a refresh, a return from
    Link, a change made here; later, a webhook)."""

    class Status(models.TextChoices):
        # As Codat spells them.
        PENDING_AUTH = "PendingAuth", _("Not finished")
        LINKED = "Linked", _("Connected")
        DEAUTHORIZED = "Deauthorized", _("Access revoked or expired")
        UNLINKED = "Unlinked", _("Disconnected")

    class DataStatus(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        FETCHING = "fetching", _("Reading your data")
        COMPLETE = "complete", _("Up to date")
        FAILED = "failed", _("Could not read your data")

    connection_id = models.CharField(_("Codat connection ID"), max_length=100, unique=True)
    company_id = models.CharField(_("Codat company ID"), max_length=100, db_index=True)
    platform_key = models.CharField(_("platform key"), max_length=20, blank=True)
    platform_name = models.CharField(_("platform"), max_length=200, blank=True)
    source_type = models.CharField(_("source type"), max_length=30, blank=True)
    offline_connector = models.BooleanField(
        _("offline connector"),
        default=False,
        help_text=_("Synced through a connector on the user's own computer (QuickBooks Desktop)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING_AUTH
    )
    last_sync = models.DateTimeField(_("last sync"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error_message = models.TextField(
        _("last error"),
        blank=True,
        help_text=_(
            "What the platform said about the connection's last failure; the user reads it "
            "within a sentence of ours."
        ),
    )
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, blank=True
    )
    data_status_detail = models.CharField(
        _("data status detail"),
        max_length=40,
        blank=True,
        help_text=_("Codat's own status of the data type that decided the data status."),
    )
    data_checked_at = models.DateTimeField(_("data status checked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    fact_at = models.DateTimeField(
        _("newest fact"),
        null=True,
        blank=True,
        help_text=_(
            "When Codat said what this row holds: an older fact (a late event) never overwrites it."
        ),
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("Codat connection")
        verbose_name_plural = _("Codat connections")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        permissions = [
            ("create_codat_companies", _("Can create missing Codat companies")),
            ("refresh_codat_connections", _("Can refresh Codat connections")),
        ]

    def __str__(self) -> str:
        return f"{self.platform_name or self.platform_key} ({self.connection_id})"

    @property
    def is_linked(self) -> bool:
        return self.status == self.Status.LINKED and self.deleted_at is None

    @property
    def is_accounting(self) -> bool:
        return self.source_type == "Accounting"

    @property
    def label(self) -> str | Promise:
        """The status in plain words."""
        if self.deleted_at is not None:
            return _("Deleted")
        return self.get_status_display()

    @property
    def needs_reconnect(self) -> bool:
        """Codat lost access (revoked or expired): the user must go through Link again."""
        return self.status == self.Status.DEAUTHORIZED or self.data_status_detail == "AuthError"

    @property
    def waiting_for_connector(self) -> bool:
        """Linked, and its first sync waits for the connector on the user's computer."""
        return (
            self.offline_connector and self.is_linked and self.data_status == self.DataStatus.QUEUED
        )

    @property
    def css_status(self) -> str:
        return self.status.lower()


class CodatLink(OwnerReference):
    """A link into Codat's Link flow that this app started: who started which connection when,
    and how it came back. The link URL is a bearer credential and is never stored."""

    class Reason(models.TextChoices):
        PAGE = "page", _("Connections page")
        API = "api", _("API")

    company_id = models.CharField(_("Codat company ID"), max_length=100)
    connection_id = models.CharField(_("Codat connection ID"), max_length=100, db_index=True)
    platform_key = models.CharField(_("platform key"), max_length=20, blank=True)
    platform_name = models.CharField(_("platform"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reused = models.BooleanField(
        _("reused"), default=False, help_text=_("An existing connection was sent to Link again.")
    )
    created_at = models.DateTimeField(_("started at"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(
        _("outcome status code"),
        null=True,
        blank=True,
        help_text=_("What Codat's redirect said: 200 linked, 201 already linked, 403 cancelled…"),
    )
    completed_at = models.DateTimeField(
        _("completed at"),
        null=True,
        blank=True,
        help_text=_("When Codat confirmed the connection Linked."),
    )

    class Meta:
        verbose_name = _("Codat link")
        verbose_name_plural = _("Codat links")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self) -> str:
        return f"{self.platform_name or self.platform_key} ({self.connection_id})"


# The webhook log lives with the webhook code; imported here so that it is this app's model.
from .webhooks.models import CodatWebhookEvent  # noqa: E402

__all__ = [
    "CodatCompanyMixin",
    "CodatConnection",
    "CodatLink",
    "CodatWebhookEvent",
    "CompanyClaim",
]
