"""Signed webhook deliveries, Standard Webhooks style, signed with the ``standardwebhooks``
library (the reference implementation Codat's docs point to, next to Svix).

Every change the sandbox makes calls ``enqueue`` inside its transaction: the event is stored as a
``WebhookDelivery`` row (the exact body, a ``webhook-id``, the target URL) and nothing is sent
yet, so the request that made the change never waits on the receiver. Sending happens in
``deliver_pending``: the background thread (``worker``) calls it after the change commits, or
tests and the dashboard call it directly.

Each attempt signs afresh (``webhook-timestamp`` is the attempt's time) with every secret in
``WEBHOOK_SECRETS``. A 2xx answer delivers; anything else (or no answer within
``WEBHOOK_TIMEOUT``) schedules the next attempt after ``WEBHOOK_RETRY_SCHEDULE[n]`` seconds, with
the same ``webhook-id`` and body; after the last one the delivery is ``failed``. Tampered copies
(wrong secret, garbage body, old timestamp) are sent once and never retried.
"""

import base64
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from importlib.util import find_spec
from typing import Any

import requests
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import shapes
from . import config
from .models import WebhookAttempt, WebhookDelivery, new_guid

USER_AGENT = "Codat-Sandbox-Webhooks/1.0"
GARBAGE_BODY = "<html>this is not JSON {"


def new_msg_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def random_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def can_sign() -> bool:
    # Imported only to send: the rest of the sandbox works where the library is not installed.
    return find_spec("standardwebhooks") is not None


def _why_not_sent(url: str) -> str:
    if not url or not config.webhook_secrets():
        return "WEBHOOK_URL or WEBHOOK_SECRETS is not set."
    return "Install standardwebhooks to send signed webhooks."


def enqueue(
    event_type: str,
    payload: Mapping[str, Any],
    *,
    company_id: str = "",
    connection_id: str = "",
    not_before: datetime | None = None,
) -> WebhookDelivery:
    """Record the event for delivery (call inside the change's transaction)."""
    event_id = new_guid()
    body = json.dumps(shapes.webhook_event(event_type, payload, event_id=event_id))
    url = config.webhook_url()
    ready = bool(url and config.webhook_secrets() and can_sign())
    delivery = WebhookDelivery.objects.create(
        msg_id=new_msg_id(),
        event_id=event_id,
        event_type=event_type,
        body=body,
        company_id=company_id,
        connection_id=connection_id,
        url=url,
        status=WebhookDelivery.PENDING if ready else WebhookDelivery.NOT_SENT,
        next_attempt_at=not_before or timezone.now(),
        last_error="" if ready else _why_not_sent(url),
    )
    if ready:
        from . import worker

        transaction.on_commit(worker.wake)
    return delivery


def copy(delivery: WebhookDelivery, variant: str, age_seconds: int = 0) -> WebhookDelivery:
    """A new delivery of the same event: ``duplicate`` and ``old_timestamp`` keep the
    ``webhook-id`` (a redelivery, a replay); ``wrong_secret`` and ``garbage`` get a new one."""
    same_id = variant in (WebhookDelivery.DUPLICATE, WebhookDelivery.OLD_TIMESTAMP)
    url = delivery.url or config.webhook_url()
    ready = bool(url and config.webhook_secrets() and can_sign())
    clone = WebhookDelivery.objects.create(
        msg_id=delivery.msg_id if same_id else new_msg_id(),
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=GARBAGE_BODY if variant == WebhookDelivery.GARBAGE else delivery.body,
        company_id=delivery.company_id,
        connection_id=delivery.connection_id,
        url=url,
        variant=variant,
        status=WebhookDelivery.PENDING if ready else WebhookDelivery.NOT_SENT,
        next_attempt_at=timezone.now(),
        last_error="" if ready else _why_not_sent(url),
        timestamp_offset_seconds=age_seconds,
    )
    if ready:
        from . import worker

        transaction.on_commit(worker.wake)
    return clone


def signature(msg_id: str, when: datetime, body: str, signing_secrets: list[str]) -> str:
    """The ``webhook-signature`` header: one ``v1,<base64>`` per secret, space-separated."""
    from standardwebhooks import Webhook

    return " ".join(Webhook(s).sign(msg_id, when, body) for s in signing_secrets)


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for one attempt, so two threads or processes never send it together."""
    hold = now + timedelta(seconds=config.webhook_timeout() + 30)
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=hold)
    )


def _send(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str, int]:
    signing = config.webhook_secrets()
    if delivery.variant == WebhookDelivery.WRONG_SECRET:
        signing = [random_secret()]
    signed_at = (now - timedelta(seconds=delivery.timestamp_offset_seconds)).astimezone(UTC)
    stamp = int(signed_at.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature(delivery.msg_id, signed_at, delivery.body, signing),
    }
    try:
        response = requests.post(
            delivery.url,
            data=delivery.body.encode(),
            headers=headers,
            timeout=config.webhook_timeout(),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500], stamp
    response.close()
    return response.status_code, "", stamp


def attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` once (it must be claimed) and record the outcome."""
    now = timezone.now()
    status_code, error, stamp = _send(delivery, now)
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        signed_timestamp=stamp,
        status_code=status_code,
        error=error,
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    delivery.claimed_until = None
    schedule = config.retry_schedule()
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.variant != WebhookDelivery.NORMAL or delivery.attempts > len(schedule):
        delivery.status = WebhookDelivery.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + timedelta(seconds=schedule[delivery.attempts - 1])
    delivery.save()
    return delivery


def deliver_pending(*, due_only: bool = False, reverse: bool = False) -> list[WebhookDelivery]:
    """Attempt every pending delivery once, oldest first (``reverse``: newest first), and
    return them. ``due_only`` honours the retry schedule; by default a delivery waiting for its
    next retry is attempted now, which is what a deterministic test wants (an event whose first
    attempt lies ahead, a late create's ``company.created``, still waits)."""
    now = timezone.now()
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING)
    if due_only:
        pending = pending.filter(next_attempt_at__lte=now)
    else:
        # Retries are hurried; a first attempt is not (a late create announces itself only
        # once it shows).
        pending = pending.filter(Q(attempts__gt=0) | Q(next_attempt_at__lte=now))
    ids = list(pending.order_by("-id" if reverse else "id").values_list("id", flat=True))
    done = []
    for delivery_id in ids:
        if _claim(delivery_id, now):
            done.append(attempt(WebhookDelivery.objects.get(pk=delivery_id)))
    return done


def next_due() -> datetime | None:
    """When the earliest pending delivery is due (None: nothing pending)."""
    return (
        WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def as_dict(delivery: WebhookDelivery) -> dict[str, Any]:
    try:
        event: Any = json.loads(delivery.body)
    except ValueError:
        event = None
    return {
        "id": delivery.pk,
        "msgId": delivery.msg_id,
        "eventId": delivery.event_id,
        "eventType": delivery.event_type,
        "variant": delivery.variant,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error or None,
        "nextAttemptAt": shapes.timestamp(delivery.next_attempt_at),
        "companyId": delivery.company_id or None,
        "connectionId": delivery.connection_id or None,
        "body": delivery.body,
        "event": event,
    }
