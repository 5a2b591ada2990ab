"""Signed webhooks: Standard Webhooks signatures (verified with the ``standardwebhooks``
library), Codat's payloads, retries, duplicates, out-of-order batches and bad deliveries."""

import base64
import json
import time

import pytest
import requests
import responses
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from conductor_django.codat.sandbox import control

from .conftest import WEBHOOK_SECRET, WEBHOOK_URL

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")


@pytest.fixture
def linked(api):
    control.set_sync_timing(queued_seconds=3600, fetching_seconds=3600)
    company = api.create_company("Bank of Dave", description="cust_1", tags={"ownerId": "42"})
    connection = api.create_connection(company["id"])
    control.complete_link(connection["id"])
    return company, connection


def test_every_change_sends_a_signed_event_in_codats_shape(api, receiver, linked):
    company, connection = linked
    control.revoke(connection["id"])
    control.relink(connection["id"])
    control.fail_link(connection["id"])
    control.advance_sync(connection["id"])
    control.advance_sync(connection["id"])
    control.unlink(connection["id"])
    api.delete(f"/companies/{company['id']}/connections/{connection['id']}")
    api.delete(f"/companies/{company['id']}")
    assert receiver.requests == []  # nothing leaves before delivery runs

    control.deliver_pending()
    events = receiver.events()  # every one verifies with the secret
    assert [e["eventType"] for e in events] == [
        "company.created",
        "connection.created",
        "connection.connected",
        "connection.disconnected",
        "connection.reconnected",
        "connection.failed",
        "read.completed.initial",
        "connection.disconnected",
        "connection.deleted",
        "company.deleted",
    ]
    assert len({e["id"] for e in events}) == len(events)
    created = events[0]
    assert set(created) == {"id", "eventType", "generatedDate", "payload"}
    assert created["payload"]["id"] == company["id"]
    assert created["payload"]["tags"] == {"ownerId": "42"}
    assert "dataConnections" not in created["payload"]

    connected = events[2]["payload"]
    assert connected["referenceCompany"] == {
        "id": company["id"],
        "name": "Bank of Dave",
        "description": "cust_1",
        "links": {"portal": f"http://testserver/codat-sandbox/#company-{company['id']}"},
        "tags": {"ownerId": "42"},
    }
    assert connected["connection"]["id"] == connection["id"]
    assert connected["connection"]["status"] == "Linked"

    revoked = events[3]["payload"]["connection"]
    assert revoked["status"] == "Deauthorized"
    assert revoked["dataConnectionErrors"][-1]["statusCode"] == "401"
    assert events[5]["payload"]["connection"]["status"] == "Linked"
    assert events[7]["payload"]["connection"]["status"] == "Unlinked"

    read = events[6]["payload"]
    assert {t["connectionId"] for t in read["dataTypes"]} == {connection["id"]}
    assert {t["status"] for t in read["dataTypes"]} == {"Complete"}
    assert all(d["status"] == "delivered" for d in control.webhook_deliveries())


def test_standard_webhooks_headers(receiver, linked):
    control.deliver_pending()
    request = receiver.requests[0]
    assert request.headers["webhook-id"].startswith("msg_")
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["Content-Type"] == "application/json"
    with pytest.raises(WebhookVerificationError):
        Webhook(base64.b64encode(b"someone-else").decode()).verify(
            request.body, dict(request.headers)
        )


def test_every_secret_signs_so_rotation_works(codat_sandbox_settings, receiver, api):
    new_secret = "whsec_" + base64.b64encode(b"the-next-secret-0123456789abcdef").decode()
    codat_sandbox_settings["WEBHOOK_SECRETS"] = [WEBHOOK_SECRET, new_secret]
    api.create_company()
    control.deliver_pending()
    [request] = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (WEBHOOK_SECRET, new_secret):
        assert receiver.verify(request, secret)["eventType"] == "company.created"


def test_non_2xx_is_retried_with_the_same_id_and_body(codat_sandbox_settings, receiver, api):
    codat_sandbox_settings["WEBHOOK_RETRY_SCHEDULE"] = [3600, 3600]
    receiver.statuses = [500, 404]
    api.create_company()
    [first] = control.deliver_pending()
    assert (first["status"], first["attempts"], first["lastStatusCode"]) == ("pending", 1, 500)
    assert first["nextAttemptAt"] is not None
    # Honouring the schedule, nothing is due for an hour.
    assert control.deliver_pending(due_only=True) == []
    assert control.deliver_pending()[0]["attempts"] == 2
    [last] = control.deliver_pending()
    assert (last["status"], last["attempts"]) == ("delivered", 3)
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    assert [receiver.verify(r)["eventType"] for r in receiver.requests] == ["company.created"] * 3


def test_a_compressed_schedule_retries_when_due(codat_sandbox_settings, receiver, api):
    codat_sandbox_settings["WEBHOOK_RETRY_SCHEDULE"] = [0.05]
    receiver.statuses = [503]
    api.create_company()
    control.deliver_pending(due_only=True)
    deadline = time.monotonic() + 10
    while not control.deliver_pending(due_only=True):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert control.webhook_deliveries()[0]["status"] == "delivered"


def test_deliveries_give_up_after_the_schedule(codat_sandbox_settings, api):
    codat_sandbox_settings.update({"WEBHOOK_URL": WEBHOOK_URL, "WEBHOOK_SECRETS": [WEBHOOK_SECRET]})
    codat_sandbox_settings["WEBHOOK_RETRY_SCHEDULE"] = [0, 0]
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, WEBHOOK_URL, body=requests.ConnectionError("refused"))
        api.create_company()
        for _ in range(5):
            control.deliver_pending()
        assert len(mock.calls) == 3
    [delivery] = control.webhook_deliveries()
    assert (delivery["status"], delivery["attempts"]) == ("failed", 3)
    assert "ConnectionError" in delivery["lastError"]


def test_duplicates_keep_the_webhook_id(receiver, api):
    api.create_company()
    control.deliver_pending()
    duplicate = control.send_duplicate()
    assert duplicate["variant"] == "duplicate"
    control.deliver_pending()
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert receiver.verify(first) == receiver.verify(second)


def test_out_of_order_batch(receiver, linked):
    _company, connection = linked
    control.revoke(connection["id"])
    control.deliver_out_of_order()
    types = [e["eventType"] for e in receiver.events()]
    assert types == [
        "connection.disconnected",
        "connection.connected",
        "connection.created",
        "company.created",
    ]


def test_wrong_secret_garbage_and_old_timestamps_fail_verification(receiver, api):
    api.create_company()
    control.deliver_pending()
    original = receiver.requests[0]
    receiver.statuses = [400, 400, 400]
    control.send_with_wrong_secret()
    control.send_garbage()
    control.replay_with_old_timestamp(age_seconds=600)
    control.deliver_pending()
    wrong, garbage, old = receiver.requests[1:]

    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        receiver.verify(wrong)
    # The garbage is correctly signed: only parsing it fails.
    assert (
        Webhook(WEBHOOK_SECRET).verify(garbage.body, dict(garbage.headers), json_parse=False)
        is None
    )
    with pytest.raises(json.JSONDecodeError):
        receiver.verify(garbage)
    with pytest.raises(WebhookVerificationError, match="too old"):
        receiver.verify(old)
    assert old.headers["webhook-id"] == original.headers["webhook-id"]
    assert int(original.headers["webhook-timestamp"]) - int(old.headers["webhook-timestamp"]) >= 590
    # Tampered copies are sent once, never retried.
    control.deliver_pending()
    assert len(receiver.requests) == 4
    assert {d["status"] for d in control.webhook_deliveries() if d["variant"] != "normal"} == {
        "failed"
    }


def test_without_an_endpoint_events_are_recorded_not_sent(api):
    api.create_company()
    [delivery] = control.webhook_deliveries()
    assert delivery["status"] == "not_sent"
    assert control.deliver_pending() == []
    assert delivery["event"]["eventType"] == "company.created"


def test_copies_of_an_unknown_delivery_are_lookup_errors(db):
    with pytest.raises(LookupError):
        control.send_duplicate()
    with pytest.raises(LookupError):
        control.send_garbage(12345)
