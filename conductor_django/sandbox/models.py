"""The sandbox's state. It lives in the database so that every thread and process serving the
sandbox (live servers, runserver's autoreloader, several workers) sees the same world."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import ids


class Scenario(models.TextChoices):
    NOT_SET_UP = "not_set_up", _("Not set up (409)")
    CONNECTED = "connected", _("Connected")
    QBD_NOT_RUNNING = "qbd_not_running", _("QuickBooks not running (502)")
    NOT_ACTIVE = "not_active", _("Connection not active (502)")
    PERMISSION_DENIED = "permission_denied", _("Permission denied, 0x80040420 (502)")
    SLOW = "slow", _("Slow, then connected")


class FaultKind(models.TextChoices):
    HTTP_500 = "http_500", _("500 internal error")
    HTTP_502 = "http_502", _("502 JSON error")
    HTTP_503 = "http_503", _("503 service unavailable")
    HTML_502 = "html_502", _("502 HTML proxy page")
    RATE_LIMIT = "rate_limit", _("429 with Retry-After")
    DROP = "drop", _("Drop the connection")
    DROP_AFTER = "drop_after", _("Process, then drop the connection")
    DELAY = "delay", _("Delay, then answer normally")
    COMPLETE_LATE = "complete_late", _("Hold the connection, process late, then drop it")


class EndUser(models.Model):
    id = models.CharField(primary_key=True, max_length=80, default=ids.new_end_user_id)
    company_name = models.CharField(max_length=255)
    source_id = models.CharField(max_length=255)
    email = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.id


class IntegrationConnection(models.Model):
    id = models.CharField(primary_key=True, max_length=80, default=ids.new_connection_id)
    end_user = models.ForeignKey(EndUser, on_delete=models.CASCADE, related_name="connections")
    integration_slug = models.CharField(max_length=40, default="quickbooks_desktop")
    created_at = models.DateTimeField(default=timezone.now)
    last_request_at = models.DateTimeField(null=True, blank=True)
    last_successful_request_at = models.DateTimeField(null=True, blank=True)
    scenario = models.CharField(
        max_length=40, choices=Scenario.choices, default=Scenario.NOT_SET_UP
    )
    slow_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["end_user", "integration_slug"], name="conductor_sandbox_one_conn_per_slug"
            )
        ]

    def __str__(self) -> str:
        return self.id


class AuthSession(models.Model):
    PENDING = "pending"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    EXPIRED = "expired"
    STATUS_CHOICES = [
        (PENDING, _("pending")),
        (COMPLETED, _("completed")),
        (ABANDONED, _("abandoned")),
    ]

    id = models.CharField(primary_key=True, max_length=80, default=ids.new_auth_session_id)
    end_user = models.ForeignKey(EndUser, on_delete=models.CASCADE, related_name="auth_sessions")
    client_secret = models.CharField(max_length=120, unique=True, default=ids.new_client_secret)
    publishable_key = models.CharField(max_length=255)
    redirect_url = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING)
    outcome = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    web_connector_password = models.CharField(max_length=64, default=ids.new_password)
    owner_id = models.CharField(max_length=40, default=ids.new_guid)
    file_id = models.CharField(max_length=40, default=ids.new_guid)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.id

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def display_status(self) -> str:
        """pending / completed / abandoned / expired: a completed session never expires."""
        if self.status != self.COMPLETED and self.is_expired():
            return self.EXPIRED
        return self.status

    @property
    def client_secret_hint(self) -> str:
        return self.client_secret[: len(ids.CLIENT_SECRET) + 4] + "…"


class RequestLog(models.Model):
    """One row per request to the emulated API, so tests can count upstream calls."""

    request_id = models.CharField(max_length=80)
    method = models.CharField(max_length=10)
    path = models.CharField(
        max_length=500, help_text=_("Relative to the API root, e.g. /end-users")
    )
    end_user_id = models.CharField(max_length=255, blank=True)
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty when the connection was dropped.")
    )
    fault = models.CharField(max_length=40, blank=True, choices=FaultKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class FaultConfig(models.Model):
    """The API-wide fault settings; a single row (pk=1)."""

    latency_ms = models.PositiveIntegerField(default=0)
    fault_rate = models.FloatField(default=0)
    fault_kinds = models.JSONField(default=list, blank=True)
    retry_after_seconds = models.PositiveIntegerField(default=1)
    # How long random ``delay`` and ``complete_late`` faults wait.
    delay_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return "fault config"

    @classmethod
    def load(cls) -> "FaultConfig":
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
    delay_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} x{self.remaining}"
