"""Processing a stored event on the host's task backend (``CODAT["TASK_BACKEND"]``)."""

from __future__ import annotations

from typing import Any

from ...core.tasks_compat import task
from ..tasks import enqueue
from . import processing
from .models import CodatWebhookEvent


@task()
def process_webhook_event(pk: int) -> str | None:
    """Apply one stored event; returns its status afterwards (None: the row is gone)."""
    event = CodatWebhookEvent.objects.filter(pk=pk).first()
    if event is None:
        return None
    return processing.process(event)


def enqueue_processing(pk: int) -> Any:
    """Queue ``process_webhook_event``; a broken queue is logged, and the event waits in the
    log (``received``) for a replay."""
    return enqueue(process_webhook_event, pk)
