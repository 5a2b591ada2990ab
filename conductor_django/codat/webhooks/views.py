"""The endpoint Codat delivers webhooks to: verify, store once, queue, answer at once.

Codat wants a 2xx within 15 seconds and retries anything else for about 28 hours with the same
``webhook-id``. So the view does no Codat work: a verified event is stored (a redelivery only
counts as a duplicate) and, after the commit, the task backend is woken to process it
(``tasks.process_soon``).

Refusals (nothing stored, one WARNING line without the body or any secret):

- 401: a header missing, a signature made with no configured secret, a timestamp more than
  five minutes off (a replay), a malformed signature header;
- 400: a correctly signed body that is not a Codat event (not JSON, no ``eventType``);
- 503: no secret configured, so nothing can be verified (Codat keeps retrying, and the events
  arrive once the secret is set).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..conf import codat_settings
from . import events, tasks
from .models import CodatWebhookEvent
from .verify import Refused, Verified, verifiers, verify

logger = logging.getLogger("conductor_django.codat.webhooks")


def _refuse(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    webhook_id = request.headers.get("webhook-id", "")[:100]
    logger.warning(
        "Refused a Codat webhook delivery (webhook-id %r, from %s): %s; nothing was stored.",
        webhook_id,
        request.META.get("REMOTE_ADDR", "?"),
        reason,
    )
    return HttpResponse(status=status)


@csrf_exempt
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    try:
        checkers = verifiers(codat_settings.webhook_secrets)
    except ValueError as exc:
        return _refuse(request, 503, f"{exc} (system check conductor_codat.E008)")
    if not checkers:
        return _refuse(request, 503, "CODAT['WEBHOOK_SECRETS'] is not set")
    body = request.body
    try:
        verified = verify(body, request.headers, checkers)
    except Refused as refused:
        return _refuse(request, 401, refused.reason)
    try:
        event = events.parse(body)
    except events.NotAnEvent as exc:
        return _refuse(request, 400, str(exc))
    stored = store(verified, event)
    if stored is not None:
        transaction.on_commit(lambda: tasks.process_soon(stored.pk))
    return HttpResponse(status=204)


def store(verified: Verified, event: events.Event) -> CodatWebhookEvent | None:
    """Keep a verified event once: the new row, or None for a redelivery (only counted)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return CodatWebhookEvent.objects.create(
                webhook_id=verified.webhook_id[:200],
                event_id=event.event_id[:100],
                event_type=event.event_type,
                company_id=event.company_id,
                connection_id=event.connection_id,
                generated_at=event.generated_at or verified.signed_at,
                signed_at=verified.signed_at,
                received_at=now,
                secret_number=verified.secret_number,
                payload=event.payload,
            )
    except IntegrityError:
        # A redelivery (Codat's retry, a duplicate): acknowledged, and nothing else happens.
        CodatWebhookEvent.objects.filter(webhook_id=verified.webhook_id[:200]).update(
            duplicates=F("duplicates") + 1, last_duplicate_at=now
        )
        return None
