"""The sandbox's state. It lives in the database so that every thread and process serving the
sandbox (live servers, runserver's autoreloader, several workers, the webhook thread) sees the
same world."""

import uuid
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import catalog


def new_guid() -> str:
    return str(uuid.uuid4())


class ConnectionStatus(models.TextChoices):
    PENDING_AUTH = catalog.PENDING_AUTH, "PendingAuth"
    LINKED = catalog.LINKED, "Linked"
    UNLINKED = catalog.UNLINKED, "Unlinked"
    DEAUTHORIZED = catalog.DEAUTHORIZED, "Deauthorized"


class FaultKind(models.TextChoices):
    HTTP_500 = "http_500", _("500 internal error")
    HTTP_502 = "http_502", _("502 JSON error")
    HTTP_503 = "http_503", _("503 service unavailable")
    HTML_502 = "html_502", _("502 HTML proxy page")
    RATE_LIMIT = "rate_limit", _("429 with Retry-After")
    PLAN_LIMIT = "plan_limit", _("402 plan limit")
    DROP = "drop", _("Drop the connection")
    DROP_AFTER = "drop_after", _("Process, then drop the connection")
    LATE_CREATE = "late_create", _("Create, drop, and show the company only later")
    DELAY = "delay", _("Delay, then answer normally")


class Company(models.Model):
    id = models.CharField(primary_key=True, max_length=36, default=new_guid)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    tags = models.JSONField(default=dict, blank=True)
    # The sandbox's absolute URL when the company was made: link URLs are built on it, as
    # Codat's are fixed at creation.
    base_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    # A late-completing create: the company exists but GET and list do not show it until then.
    visible_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.id

    def is_visible(self, now: datetime | None = None) -> bool:
        return self.visible_at is None or self.visible_at <= (now or timezone.now())


class Connection(models.Model):
    id = models.CharField(primary_key=True, max_length=36, default=new_guid)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="connections")
    platform_key = models.CharField(max_length=4)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING_AUTH
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    # Offline connectors (QuickBooks Desktop): syncs wait in Queued until this is on.
    connector_online = models.BooleanField(default=False)
    # One-time Link URLs: the current token, when it stops working, and when it was used.
    otp = models.CharField(max_length=64, blank=True)
    otp_expires_at = models.DateTimeField(null=True, blank=True)
    otp_used_at = models.DateTimeField(null=True, blank=True)
    # The data sync: "" (never), Queued, Fetching, Complete, FetchError or AuthError.
    sync_status = models.CharField(max_length=20, blank=True)
    sync_outcome = models.CharField(max_length=20, default=catalog.COMPLETE)
    sync_queued_at = models.DateTimeField(null=True, blank=True)
    sync_fetching_at = models.DateTimeField(null=True, blank=True)
    latest_sync_id = models.CharField(max_length=36, blank=True)
    latest_successful_sync_id = models.CharField(max_length=36, blank=True)
    last_successful_sync_at = models.DateTimeField(null=True, blank=True)
    initial_read_done = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.id

    @property
    def integration(self) -> catalog.Integration:
        entry = catalog.integration(self.platform_key)
        if entry is None:  # only ever created from the catalog
            raise LookupError(self.platform_key)
        return entry

    @property
    def is_accounting(self) -> bool:
        return self.integration.source_type == catalog.ACCOUNTING


class DataConnectionError(models.Model):
    """One entry of a connection's ``dataConnectionErrors``."""

    ACTIVE = "Active"
    RESOLVED = "Resolved"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="errors")
    status_code = models.CharField(max_length=10)
    status_text = models.TextField(blank=True)
    error_message = models.TextField(blank=True)
    errored_at = models.DateTimeField(default=timezone.now)
    # "" stands for Codat's null: an error that is not transient.
    status = models.CharField(max_length=10, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.status_code} {self.status_text}"


class Profile(models.Model):
    """The Codat client's settings (``GET/PUT /profile``); a single row (pk=1)."""

    name = models.CharField(max_length=255, default="Codat sandbox")
    # Until set through the API (or control), the REDIRECT_URL setting is the template.
    redirect_url_set = models.BooleanField(default=False)
    redirect_url = models.TextField(blank=True)
    white_list_urls = models.JSONField(default=list, blank=True)
    confirm_company_name = models.BooleanField(default=False)
    # None: the ONE_TIME_LINKS setting.
    one_time_links = models.BooleanField(null=True, blank=True)
    client_id = models.CharField(max_length=36, default=new_guid)

    def __str__(self) -> str:
        return "profile"

    @classmethod
    def load(cls) -> "Profile":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class SandboxConfig(models.Model):
    """API-wide fault settings and sync timing; a single row (pk=1)."""

    latency_ms = models.PositiveIntegerField(default=0)
    fault_rate = models.FloatField(default=0)
    fault_kinds = models.JSONField(default=list, blank=True)
    retry_after_seconds = models.PositiveIntegerField(default=1)
    sync_queued_seconds = models.FloatField(default=2)
    sync_fetching_seconds = models.FloatField(default=3)

    def __str__(self) -> str:
        return "sandbox config"

    @classmethod
    def load(cls) -> "SandboxConfig":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class PendingFault(models.Model):
    """The next ``remaining`` API requests (matching method/path, when given) get ``kind``."""

    kind = models.CharField(max_length=40, choices=FaultKind.choices)
    remaining = models.PositiveIntegerField()
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(
        max_length=500, blank=True, help_text=_("fnmatch pattern relative to the API root")
    )
    retry_after_seconds = models.PositiveIntegerField(default=1)
    # delay: how long to wait; late_create: how long the company stays invisible.
    delay_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} x{self.remaining}"


class RequestLog(models.Model):
    """One row per request to the emulated API, so tests can count upstream calls."""

    correlation_id = models.CharField(max_length=40)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500, help_text=_("Relative to the API root"))
    company_id = models.CharField(max_length=36, blank=True)
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty when the connection was dropped.")
    )
    fault = models.CharField(max_length=40, blank=True, choices=FaultKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class WebhookDelivery(models.Model):
    """One message to the webhook endpoint. Retries keep the row (and ``msg_id``); a duplicate
    or a tampered copy is a new row with ``variant`` set."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    NOT_SENT = "not_sent"
    STATUS_CHOICES = [
        (PENDING, _("pending")),
        (DELIVERED, _("delivered")),
        (FAILED, _("failed")),
        (NOT_SENT, _("not sent (no endpoint)")),
    ]
    NORMAL = "normal"
    DUPLICATE = "duplicate"
    WRONG_SECRET = "wrong_secret"
    GARBAGE = "garbage"
    OLD_TIMESTAMP = "old_timestamp"
    VARIANT_CHOICES = [
        (NORMAL, _("event")),
        (DUPLICATE, _("duplicate")),
        (WRONG_SECRET, _("signed with a wrong secret")),
        (GARBAGE, _("garbage body")),
        (OLD_TIMESTAMP, _("replay with an old timestamp")),
    ]

    msg_id = models.CharField(max_length=64)
    event_id = models.CharField(max_length=36)
    event_type = models.CharField(max_length=60)
    body = models.TextField(help_text=_("Exactly the bytes sent (what the signature covers)."))
    company_id = models.CharField(max_length=36, blank=True)
    connection_id = models.CharField(max_length=36, blank=True)
    url = models.TextField(blank=True)
    variant = models.CharField(max_length=20, choices=VARIANT_CHOICES, default=NORMAL)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    timestamp_offset_seconds = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id} {self.status}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    signed_timestamp = models.BigIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"
