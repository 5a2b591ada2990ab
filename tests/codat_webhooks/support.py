"""Codat's webhook deliveries as Codat makes them: the event envelope around FakeCodat's own
connection JSON, signed with the Standard Webhooks reference library."""

import json
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from standardwebhooks import Webhook

from conductor_django.codat import shapes

SECRET = settings.CODAT_TEST_SETTINGS["WEBHOOK_SECRETS"][0]
OTHER_SECRET = "whsec_" + "QkFEQkFEQkFEQkFEQkFEQkFEQkFEQkFE"
_clock = [datetime(2026, 11, 30, 12, 0, tzinfo=UTC)]


def tick():
    """A later generatedDate than any before it (each a second apart)."""
    _clock[0] += timedelta(seconds=1)
    return _clock[0]


def url():
    return reverse("conductor_codat_webhooks:receive")


def connection_event(fake, event_type, connection_id, *, at=None):
    """The event Codat sends about one of FakeCodat's connections, as it is now."""
    connection = fake.connection_json(connection_id)
    company = fake.company_json(fake.connections[connection_id]["company_id"])
    payload = {
        "referenceCompany": shapes.reference_company(company, "https://app.codat.io/"),
        "connection": connection,
    }
    return envelope(event_type, payload, at=at)


def envelope(event_type, payload, *, at=None):
    body = shapes.webhook_event(event_type, payload, event_id=secrets.token_hex(8))
    body["generatedDate"] = shapes.timestamp(at or tick())
    return body


def headers(body, *, msg_id=None, secret=SECRET, when=None):
    msg_id = msg_id or "msg_" + secrets.token_hex(10)
    when = when or datetime.now(UTC)
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, text),
    }


def deliver(client, body, **signing):
    """POST one delivery; returns the response. ``body`` (a dict, or the raw text) is sent
    exactly as signed."""
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        url(), data=text, content_type="application/json", headers=headers(text, **signing)
    )
