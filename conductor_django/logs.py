"""How log lines name an owner and a Conductor failure, so an operator can act on one line.

Expected failures (Conductor down, timeouts, its 4xx answers) are logged once, at WARNING and
without a traceback, by the code that handles them; tracebacks are kept for the unexpected.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Model

from .client import ConductorError


def owner_label(owner: Model) -> str:
    """``accounts.User 42``: the model label and primary key, enough to find the row."""
    return f"{owner._meta.label} {owner.pk}"


def describe(error: ConductorError) -> str:
    """Conductor's message with its error code and request id (what its support asks for); a
    failure with no answer at all has neither, and its message says so."""
    message = (getattr(error, "message", None) or str(error)).rstrip(". ")
    details = []
    if error.code:
        details.append(f"code {error.code}")
    elif error.http_status_code:
        details.append(f"HTTP {error.http_status_code}")
    if error.request_id:
        details.append(f"request {error.request_id}")
    return f"{message} ({', '.join(details)})" if details else message


def moment(when: datetime) -> str:
    """A time in log lines: UTC, to the second, whatever the host's TIME_ZONE."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
