"""How log lines name an owner and a moment, so an operator can act on one line.

Expected failures (a provider down, timeouts, its 4xx answers) are logged once, at WARNING and
without a traceback, by the code that handles them; tracebacks are kept for the unexpected.
Each provider says how its own errors read (``describe``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Model


def owner_label(owner: Model) -> str:
    """``accounts.User 42``: the model label and primary key, enough to find the row."""
    return f"{owner._meta.label} {owner.pk}"


def moment(when: datetime) -> str:
    """A time in log lines: UTC, to the second, whatever the host's TIME_ZONE."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def with_details(message: str, details: list[str]) -> str:
    """``message (detail, detail)``, the message's trailing period and spaces dropped."""
    message = message.rstrip(". ")
    return f"{message} ({', '.join(details)})" if details else message
