"""How log lines name an owner and a Conductor failure, so an operator can act on one line.

Expected failures (Conductor down, timeouts, its 4xx answers) are logged once, at WARNING and
without a traceback, by the code that handles them; tracebacks are kept for the unexpected.
"""

from __future__ import annotations

from .client import ConductorError
from .core.logs import moment, owner_label, with_details

__all__ = ["describe", "moment", "owner_label"]


def describe(error: ConductorError) -> str:
    """Conductor's message with its error code and request id (what its support asks for); a
    failure with no answer at all has neither, and its message says so."""
    details = []
    if error.code:
        details.append(f"code {error.code}")
    elif error.http_status_code:
        details.append(f"HTTP {error.http_status_code}")
    if error.request_id:
        details.append(f"request {error.request_id}")
    return with_details(getattr(error, "message", None) or str(error), details)
