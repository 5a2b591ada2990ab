"""Codat's webhooks in every host shape: the endpoint is where the host mounted it, a signed
event reaches the owner's recorded connection and the status signal names that owner, a
redelivery changes nothing; without webhooks the polling command reaches the same state."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from standardwebhooks import Webhook

from conductor_django.codat import services, shapes, signals
from conductor_django.codat.models import CodatWebhookEvent

pytestmark = pytest.mark.django_db
# Every shape's settings name their own secret; this one is set here, the same in all.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.fixture
def sign_ups(settings, codat):
    settings.CODAT = {
        **settings.CODAT,
        "AUTO_PROVISION": True,
        "WEBHOOK_SECRETS": [SECRET],
    }
    return codat


@pytest.fixture
def heard():
    found = []

    def changed(sender, **kwargs):
        found.append((kwargs["owner"], kwargs["new_status"], kwargs["provider"]))

    signals.connection_status_changed.connect(changed, weak=False)
    yield found
    signals.connection_status_changed.disconnect(changed)


def deliver(fake, connection_id, msg_id, django_capture_on_commit_callbacks):
    company = fake.company_json(fake.connections[connection_id]["company_id"])
    event = shapes.webhook_event(
        "connection.disconnected",
        {
            "referenceCompany": shapes.reference_company(company, "https://app.codat.io/"),
            "connection": fake.connection_json(connection_id),
        },
        event_id="evt-1",
    )
    body = json.dumps(event)
    now = datetime.now(UTC)
    secret = SECRET
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post(
            reverse("conductor_codat_webhooks:receive"),
            data=body,
            content_type="application/json",
            headers={
                "webhook-id": msg_id,
                "webhook-timestamp": str(int(now.timestamp())),
                "webhook-signature": Webhook(secret).sign(msg_id, now, body),
            },
        )


def test_a_revoke_by_webhook_reaches_the_owner(
    sign_ups, make_owner, heard, django_capture_on_commit_callbacks
):
    owner = make_owner()
    connection = sign_ups.add_connection(owner.codat_company_id, "gbol", status="Linked")
    sign_ups.revoke(connection["id"])

    first = deliver(sign_ups, connection["id"], "msg_1", django_capture_on_commit_callbacks)
    again = deliver(sign_ups, connection["id"], "msg_1", django_capture_on_commit_callbacks)

    assert (first.status_code, again.status_code) == (204, 204)
    [row] = services.list_connections(owner)
    assert row.status == "Deauthorized"
    assert heard == [(owner, "Deauthorized", "codat")]
    assert CodatWebhookEvent.objects.get().duplicates == 1


def test_polling_reaches_the_same_state_without_webhooks(sign_ups, make_owner, heard):
    owner = make_owner()
    connection = sign_ups.add_connection(owner.codat_company_id, "gbol", status="Linked")
    sign_ups.revoke(connection["id"])

    call_command("codat_refresh_connections", "--concurrency", "1", verbosity=0)

    [row] = services.list_connections(owner)
    assert row.status == "Deauthorized"
    assert heard == [(owner, "Deauthorized", "codat")]
