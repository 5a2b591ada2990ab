"""The webhook half of ``control`` (re-exported there): inspect deliveries, send what is
pending now, and send the copies a receiver must survive: duplicates, out-of-order batches,
wrong signatures, garbage bodies and replays. Each copy is queued; ``deliver_pending`` sends it.
"""

from typing import Any

from . import syncs, webhooks
from .models import WebhookDelivery

JSON = dict[str, Any]


def webhook_deliveries(event_type: str | None = None, status: str | None = None) -> list[JSON]:
    """Webhook deliveries, oldest first, with their body, attempts and status."""
    qs = WebhookDelivery.objects.all()
    if event_type:
        qs = qs.filter(event_type=event_type)
    if status:
        qs = qs.filter(status=status)
    return [webhooks.as_dict(d) for d in qs]


def deliver_pending(due_only: bool = False) -> list[JSON]:
    """Move syncs on, then attempt every pending delivery once now, oldest first (``due_only``:
    only those whose retry is due). Synchronous: when it returns, the receiver has answered."""
    syncs.advance()
    return [webhooks.as_dict(d) for d in webhooks.deliver_pending(due_only=due_only)]


def deliver_out_of_order() -> list[JSON]:
    """Attempt the pending deliveries newest first: a batch arriving out of order."""
    syncs.advance()
    return [webhooks.as_dict(d) for d in webhooks.deliver_pending(reverse=True)]


def _delivery(delivery_id: int | None) -> WebhookDelivery:
    qs = WebhookDelivery.objects.filter(variant=WebhookDelivery.NORMAL)
    delivery = qs.filter(pk=delivery_id).first() if delivery_id else qs.order_by("-id").first()
    if delivery is None:
        raise LookupError(f"No webhook delivery {delivery_id or '(latest)'} in the sandbox.")
    return delivery


def _copy(delivery_id: int | None, variant: str, age_seconds: int = 0) -> JSON:
    return webhooks.as_dict(webhooks.copy(_delivery(delivery_id), variant, age_seconds))


def send_duplicate(delivery_id: int | None = None) -> JSON:
    """Queue the event again, same ``webhook-id`` and body (latest event by default)."""
    return _copy(delivery_id, WebhookDelivery.DUPLICATE)


def send_with_wrong_secret(delivery_id: int | None = None) -> JSON:
    """Queue a copy signed with a secret the receiver does not know."""
    return _copy(delivery_id, WebhookDelivery.WRONG_SECRET)


def send_garbage(delivery_id: int | None = None) -> JSON:
    """Queue a correctly signed delivery whose body is not JSON."""
    return _copy(delivery_id, WebhookDelivery.GARBAGE)


def replay_with_old_timestamp(delivery_id: int | None = None, age_seconds: int = 600) -> JSON:
    """Queue a replay of the event, correctly signed but ``age_seconds`` old (outside the
    Standard Webhooks tolerance of 5 minutes by default)."""
    return _copy(delivery_id, WebhookDelivery.OLD_TIMESTAMP, int(_age(age_seconds)))


def _age(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError("age_seconds must be a non-negative number.")
    return int(value)
