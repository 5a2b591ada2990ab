"""The log of Codat's webhook events: one row per verified event (by its ``webhook-id``), what
processing made of it, and how often Codat delivered it again.

Only verified events are stored, never a signature, a secret or a bearer link: a connection's
``linkUrl`` is dropped from the payload before it is saved.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodatWebhookEvent(models.Model):
    """One event Codat sent, verified and stored before it was acknowledged."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not processed yet")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Acknowledged, nothing to change")
        FAILED = "failed", _("Failed")

    webhook_id = models.CharField(
        _("webhook ID"),
        max_length=200,
        unique=True,
        help_text=_("The webhook-id header: the same for every delivery of one event."),
    )
    event_id = models.CharField(_("event ID"), max_length=100, blank=True)
    event_type = models.CharField(_("event type"), max_length=100)
    company_id = models.CharField(_("Codat company ID"), max_length=100, blank=True)
    connection_id = models.CharField(_("Codat connection ID"), max_length=100, blank=True)
    generated_at = models.DateTimeField(
        _("generated"), help_text=_("When Codat generated the event: its place in the order.")
    )
    signed_at = models.DateTimeField(_("signed"), help_text=_("The first delivery's signature."))
    received_at = models.DateTimeField(_("received"), db_index=True)
    secret_number = models.PositiveSmallIntegerField(
        _("verified with secret"),
        help_text=_("Which of CODAT['WEBHOOK_SECRETS'] verified the signature (1 is the first)."),
    )
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    duplicates = models.PositiveIntegerField(
        _("duplicate deliveries"),
        default=0,
        help_text=_("Deliveries of this event after the first: acknowledged, nothing changed."),
    )
    last_duplicate_at = models.DateTimeField(_("last duplicate"), null=True, blank=True)

    class Meta:
        verbose_name = _("Codat webhook event")
        verbose_name_plural = _("Codat webhook events")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["company_id", "received_at"]),
            # The queue's task finds the events still waiting, oldest fact first.
            models.Index(fields=["status", "generated_at"], name="conductor_codat_waiting_idx"),
        ]
        permissions = [("replay_codatwebhookevent", _("Can process Codat webhook events again"))]

    def __str__(self) -> str:
        return f"{self.event_type} ({self.webhook_id})"
