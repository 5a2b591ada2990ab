"""How log lines name a Codat failure, so an operator can act on one line."""

from __future__ import annotations

from ..core.logs import with_details
from .client import CodatError

LOGGER = "conductor_django.codat"


def describe(error: CodatError) -> str:
    """Codat's message with its HTTP status and correlation id (what its support asks for); a
    failure with no answer at all has neither, and its message says so."""
    details = []
    message = error.message or str(error)
    if error.status_code and f"HTTP {error.status_code}" not in message:
        details.append(f"HTTP {error.status_code}")
    if error.correlation_id:
        details.append(f"correlation {error.correlation_id}")
    return with_details(message, details)
