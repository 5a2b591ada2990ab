"""The webhook events log in the admin: every stored event with its status and duplicates,
no secret or bearer link on any page, and processing again for staff allowed to."""

import pytest
from django.contrib.auth.models import Permission

from conductor_django.codat.models import CodatConnection, CodatWebhookEvent

from ..admin.support import messages_of, run_action
from .support import SECRET, connection_event

pytestmark = pytest.mark.django_db
EVENTS = "/admin/conductor_codat/codatwebhookevent/"


@pytest.fixture
def staff(django_user_model):
    """Staff who may read the log but not process events again."""
    user = django_user_model.objects.create_user("support", "s@example.com", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_codatwebhookevent"))
    return user


@pytest.fixture
def stored(codat, owner, post):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    event = connection_event(codat, "connection.created", connection["id"])
    post(event, msg_id="msg_logged")
    post(event, msg_id="msg_logged")
    return connection, CodatWebhookEvent.objects.get()


def test_the_log_shows_each_event_and_no_secret(stored, client, staff):
    connection, event = stored
    client.force_login(staff)

    listing = client.get(EVENTS).content.decode()
    detail = client.get(f"{EVENTS}{event.pk}/change/").content.decode()

    assert "connection.created" in listing and "Processed" in listing
    assert "Signature verified with secret 1" in detail
    assert "msg_logged" in detail
    for page in (listing, detail):
        assert SECRET not in page and connection["linkUrl"] not in page
    assert client.get(f"{EVENTS}?duplicate=yes").context["cl"].result_count == 1


def test_processing_again_needs_its_permission(stored, client, staff):
    _, event = stored
    client.force_login(staff)

    response = run_action(client, "replay", [event], url=EVENTS)

    assert response.status_code == 200
    assert CodatWebhookEvent.objects.get().attempts == 1
    assert "replay" not in client.get(EVENTS).content.decode()


def test_a_failed_event_processed_again_applies_once_the_cause_is_gone(
    codat, owner, post, client, staff, heard
):
    stranger = codat.add_company("Not yet ours")
    connection = codat.add_connection(stranger["id"], "gbol")
    post(connection_event(codat, "connection.created", connection["id"]))
    assert CodatWebhookEvent.objects.get().status == "ignored"
    # The company was adopted by an owner after the event came (a late create, say).
    type(owner).objects.filter(pk=owner.pk).update(codat_company_id=stranger["id"])
    staff.user_permissions.add(Permission.objects.get(codename="replay_codatwebhookevent"))
    client.force_login(staff)

    response = run_action(client, "replay", list(CodatWebhookEvent.objects.all()), url=EVENTS)

    assert messages_of(response) == [("SUCCESS", "1 event processed again.")]
    assert CodatConnection.objects.get().status == "PendingAuth"
    assert heard == [(None, "PendingAuth", "codat")]
    # Again: the same fact finds the same state, and the host hears nothing more.
    run_action(client, "replay", list(CodatWebhookEvent.objects.all()), url=EVENTS)
    assert heard == [(None, "PendingAuth", "codat")]
    assert CodatWebhookEvent.objects.get().attempts == 3
