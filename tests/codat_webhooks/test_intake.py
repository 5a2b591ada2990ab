"""The webhook endpoint: a good event reaches the records the connections page and the API
read, and the status signals; duplicates, reordering, replays outside the tolerance, bad
signatures and garbage bodies change nothing and store nothing."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from conductor_django.codat import services
from conductor_django.codat.models import CodatConnection, CodatLink, CodatWebhookEvent

from .support import OTHER_SECRET, SECRET, connection_event, envelope, headers, tick, url

pytestmark = pytest.mark.django_db
Status = CodatConnection.Status


def only_status(owner):
    [row] = services.list_connections(owner)
    return row.status


def test_a_connected_event_updates_the_page_the_api_and_tells_the_host(
    codat, owner, post, heard, client
):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    codat.set_status(connection["id"], "Linked")

    answer = post(connection_event(codat, "connection.connected", connection["id"]))

    assert answer.status_code == 204
    assert only_status(owner) == Status.LINKED
    assert heard == [(None, "Linked", "codat")]
    client.force_login(owner)
    listed = client.get(reverse("conductor_codat_api:connections")).json()["connections"]
    assert [(c["id"], c["status"]) for c in listed] == [(connection["id"], "Linked")]
    [event] = CodatWebhookEvent.objects.all()
    assert (event.event_type, event.status) == ("connection.connected", "processed")
    assert event.connection_id == connection["id"]
    assert event.company_id == owner.codat_company_id


def test_no_bearer_link_is_stored(codat, owner, post):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    event = connection_event(codat, "connection.created", connection["id"])

    post(event)

    stored = json.dumps(CodatWebhookEvent.objects.get().payload)
    assert connection["linkUrl"] not in stored and "linkUrl" not in stored


def test_a_redelivery_changes_nothing_and_says_nothing(codat, owner, post, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    codat.set_status(connection["id"], "Linked")
    event = connection_event(codat, "connection.connected", connection["id"])

    first = post(event, msg_id="msg_same")
    again = post(event, msg_id="msg_same")

    assert (first.status_code, again.status_code) == (204, 204)
    [stored] = CodatWebhookEvent.objects.all()
    assert stored.duplicates == 1 and stored.last_duplicate_at is not None
    assert stored.attempts == 1
    assert heard == [(None, "Linked", "codat")]


def test_an_older_event_never_overwrites_a_newer_state(codat, owner, post, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    cid = connection["id"]
    codat.set_status(cid, "Linked")
    connected = connection_event(codat, "connection.connected", cid)
    codat.revoke(cid)
    revoked = connection_event(codat, "connection.disconnected", cid)

    post(revoked)
    post(connected)

    assert only_status(owner) == Status.DEAUTHORIZED
    assert heard == [(None, "Deauthorized", "codat")]
    [row] = services.list_connections(owner)
    assert "revoked" in services.error_words(row)
    assert CodatWebhookEvent.objects.get(event_type="connection.connected").outcome.startswith(
        "Older than the recorded state"
    )


def test_a_delete_that_arrives_before_the_create_keeps_it_deleted(codat, owner, post, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    created = connection_event(codat, "connection.created", connection["id"])
    deleted = connection_event(codat, "connection.deleted", connection["id"])

    post(deleted)
    post(created)

    assert services.list_connections(owner) == []
    assert CodatConnection.objects.get().deleted_at is not None
    assert heard == []


def test_a_deleted_connection_is_gone_from_the_page_and_the_host_hears_it(
    codat, owner, post, heard
):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    post(connection_event(codat, "connection.created", connection["id"]))
    post(connection_event(codat, "connection.deleted", connection["id"]))

    assert services.list_connections(owner) == []
    assert heard == [(None, "PendingAuth", "codat"), ("PendingAuth", None, "codat")]


def test_a_failed_link_records_codats_reason_in_user_words(codat, owner, post, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    post(connection_event(codat, "connection.created", connection["id"]))
    codat.link(connection["id"], "error", status_text="The organisation is not on a paid plan")

    post(connection_event(codat, "connection.failed", connection["id"]))

    [row] = services.list_connections(owner)
    assert row.status == Status.PENDING_AUTH
    assert services.error_words(row) == (
        "Xero could not complete the connection: The organisation is not on a paid plan"
    )
    # The status did not change: no second signal.
    assert heard == [(None, "PendingAuth", "codat")]


def test_a_connected_event_completes_the_link_started_here(codat, owner, post):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    _started_link(owner, connection["id"])
    codat.set_status(connection["id"], "Linked")

    post(connection_event(codat, "connection.connected", connection["id"]))

    assert CodatLink.objects.get().completed_at is not None


def _started_link(owner, connection_id):
    from django.contrib.contenttypes.models import ContentType

    return CodatLink.objects.create(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=str(owner.pk),
        company_id=owner.codat_company_id,
        connection_id=connection_id,
        platform_key="gbol",
        reason=CodatLink.Reason.PAGE,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_first_sync_finishing_shows_the_data_up_to_date(codat, owner, post):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    codat.set_status(connection["id"], "Linked")
    post(connection_event(codat, "connection.connected", connection["id"]))
    company = codat.company_json(owner.codat_company_id)

    post(
        envelope(
            "read.completed.initial",
            {
                "referenceCompany": {"id": company["id"], "name": company["name"]},
                "dataTypes": [
                    {"connectionId": connection["id"], "dataType": "invoices", "status": "Complete"}
                ],
            },
        )
    )

    [row] = services.list_connections(owner)
    assert row.data_status == CodatConnection.DataStatus.COMPLETE
    assert services.sync_words(row) == "Your Xero data is up to date."


def test_a_deleted_company_is_forgotten_with_its_connections(codat, owner, post, heard):
    company_id = owner.codat_company_id
    connection = codat.add_connection(company_id, "gbol")
    post(connection_event(codat, "connection.created", connection["id"]))

    post(envelope("company.deleted", codat.company_json(company_id)))

    owner.refresh_from_db()
    assert owner.codat_company_id is None
    assert services.list_connections(owner) == []
    assert heard[-1] == ("PendingAuth", None, "codat")


def test_an_event_about_a_company_nobody_has_is_acknowledged(codat, owner, post, caplog):
    stranger = codat.add_company("Someone else's")
    connection = codat.add_connection(stranger["id"], "gbol")
    caplog.set_level(logging.INFO, logger="conductor_django.codat.webhooks")

    answer = post(connection_event(codat, "connection.created", connection["id"]))

    assert answer.status_code == 204
    assert CodatConnection.objects.count() == 0
    assert CodatWebhookEvent.objects.get().status == "ignored"
    assert f"company {stranger['id']}, which no owner has" in caplog.text


def test_rotation_accepts_the_old_and_the_new_secret(codat, owner, post, settings):
    settings.CODAT = {**settings.CODAT, "WEBHOOK_SECRETS": [SECRET, OTHER_SECRET]}
    connection = codat.add_connection(owner.codat_company_id, "gbol")

    old = post(connection_event(codat, "connection.created", connection["id"]), secret=SECRET)
    new = post(connection_event(codat, "connection.created", connection["id"]), secret=OTHER_SECRET)

    assert (old.status_code, new.status_code) == (204, 204)
    assert sorted(CodatWebhookEvent.objects.values_list("secret_number", flat=True)) == [1, 2]


def test_the_secrets_can_come_from_the_environment(codat, owner, post, settings, monkeypatch):
    settings.CODAT = {k: v for k, v in settings.CODAT.items() if k != "WEBHOOK_SECRETS"}
    monkeypatch.setenv("CODAT_WEBHOOK_SECRETS", f"{OTHER_SECRET} {SECRET}")
    connection = codat.add_connection(owner.codat_company_id, "gbol")

    answer = post(connection_event(codat, "connection.created", connection["id"]))

    assert answer.status_code == 204
    assert CodatWebhookEvent.objects.get().secret_number == 2


def refused(caplog, post, body, status, **signing):
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="conductor_django.codat.webhooks")
    answer = post(body, **signing)
    assert answer.status_code == status
    assert CodatWebhookEvent.objects.count() == 0
    [line] = [r for r in caplog.records if r.name == "conductor_django.codat.webhooks"]
    assert line.levelno == logging.WARNING and line.exc_info is None
    return line.getMessage()


@pytest.mark.parametrize(
    "signing, why",
    [
        ({"secret": OTHER_SECRET}, "signature does not match"),
        ({"when": datetime.now(UTC) - timedelta(minutes=10)}, "too old"),
        ({"when": datetime.now(UTC) + timedelta(minutes=10)}, "in the future"),
    ],
)
def test_a_bad_signature_or_a_replay_is_refused_and_stores_nothing(
    codat, owner, post, caplog, heard, signing, why
):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    event = connection_event(codat, "connection.created", connection["id"])

    said = refused(caplog, post, event, 401, **signing)

    assert why in said
    assert connection["id"] not in said and SECRET not in said and OTHER_SECRET not in said
    assert heard == [] and CodatConnection.objects.count() == 0


def test_a_replay_of_a_stored_event_outside_the_tolerance_is_refused(codat, owner, post, caplog):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    event = connection_event(codat, "connection.created", connection["id"])
    assert post(event, msg_id="msg_once").status_code == 204
    CodatWebhookEvent.objects.all().delete()

    said = refused(
        caplog, post, event, 401, msg_id="msg_once", when=datetime.now(UTC) - timedelta(hours=1)
    )
    assert "too old" in said


def test_a_tampered_body_is_refused(codat, owner, client, caplog):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    event = connection_event(codat, "connection.created", connection["id"])
    signed = headers(event)
    event["payload"]["connection"]["status"] = "Linked"
    caplog.set_level(logging.WARNING, logger="conductor_django.codat.webhooks")

    answer = client.post(
        url(), data=json.dumps(event), content_type="application/json", headers=signed
    )

    assert answer.status_code == 401
    assert CodatWebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body, why",
    [
        ("<html>this is not JSON {", "not JSON"),
        ("[1, 2, 3]", "not a JSON object"),
        ('{"eventType": "connection.created"}', "no eventType or no payload"),
    ],
)
def test_a_signed_body_that_is_no_event_is_a_400(codat, post, caplog, body, why):
    said = refused(caplog, post, body, 400)
    assert why in said and body not in said


def test_missing_headers_are_refused(client, caplog):
    caplog.set_level(logging.WARNING, logger="conductor_django.codat.webhooks")
    answer = client.post(url(), data="{}", content_type="application/json")
    assert answer.status_code == 401
    assert "missing webhook-id, webhook-timestamp, webhook-signature header" in caplog.text


def test_a_malformed_signature_header_is_refused(client, caplog):
    caplog.set_level(logging.WARNING, logger="conductor_django.codat.webhooks")
    signed = headers("{}")
    signed["webhook-signature"] = "garbage-without-a-version"
    answer = client.post(url(), data="{}", content_type="application/json", headers=signed)
    assert answer.status_code == 401
    assert "malformed signature header" in caplog.text


def test_without_a_secret_every_delivery_is_refused_for_codat_to_retry(
    codat, owner, post, settings, caplog, monkeypatch
):
    monkeypatch.delenv("CODAT_WEBHOOK_SECRETS", raising=False)
    settings.CODAT = {k: v for k, v in settings.CODAT.items() if k != "WEBHOOK_SECRETS"}
    connection = codat.add_connection(owner.codat_company_id, "gbol")

    said = refused(
        caplog, post, connection_event(codat, "connection.created", connection["id"]), 503
    )
    assert "WEBHOOK_SECRETS" in said


def test_only_post_is_served(client):
    assert client.get(url()).status_code == 405


def test_an_unreadable_connection_is_a_failed_event_kept_for_replay(codat, owner, post, caplog):
    caplog.set_level(logging.WARNING, logger="conductor_django.codat.webhooks")
    body = envelope(
        "connection.connected",
        {"referenceCompany": {"id": owner.codat_company_id}, "connection": {"id": "c1"}},
    )

    answer = post(body)

    assert answer.status_code == 204
    event = CodatWebhookEvent.objects.get()
    assert event.status == "failed" and "missing field" in event.outcome
    assert "Could not process Codat webhook event" in caplog.text
    assert "Traceback" not in caplog.text


def test_generated_dates_order_events_not_their_arrival(codat, owner, post):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    cid = connection["id"]
    at = tick()
    codat.set_status(cid, "Linked")
    linked = connection_event(codat, "connection.connected", cid, at=at + timedelta(seconds=5))
    codat.set_status(cid, "Unlinked")
    unlinked = connection_event(codat, "connection.disconnected", cid, at=at + timedelta(seconds=9))

    post(unlinked)
    post(linked)

    assert only_status(owner) == Status.UNLINKED


def test_a_revoke_reaches_a_warm_connections_page_without_asking_codat(codat, owner, post, client):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    codat.set_status(connection["id"], "Linked")
    post(connection_event(codat, "connection.connected", connection["id"]))
    client.force_login(owner)
    page = reverse("conductor_codat:connections")
    client.get(page)  # asks Codat
    asked = len(codat.calls)
    # Warm: from the cache, without asking Codat.
    assert "Access revoked or expired" not in client.get(page).content.decode()
    assert len(codat.calls) == asked

    # The user revokes access inside Xero; Codat says so (after the page read the connection
    # from Codat), and the page, still warm, shows it.
    codat.revoke(connection["id"])
    now = datetime.now(UTC)
    post(connection_event(codat, "connection.disconnected", connection["id"], at=now))

    html = client.get(page).content.decode()
    assert "Access revoked or expired" in html
    assert len(codat.calls) == asked
