"""Without webhooks: the polling command and the periodic task reach the state the webhooks
would have reached, with the same signals."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conductor_django.codat import services
from conductor_django.codat.tasks import refresh_all_connections

from .support import connection_event

pytestmark = pytest.mark.django_db


def poll():
    out, err = StringIO(), StringIO()
    call_command("codat_refresh_connections", "--concurrency", "1", stdout=out, stderr=err)
    return out.getvalue()


def states(owner):
    return [
        (row.connection_id, row.status, row.error_code) for row in services.list_connections(owner)
    ]


def test_the_command_reaches_what_the_webhooks_reach(codat, owner, post, heard, settings):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    cid = connection["id"]
    codat.set_status(cid, "Linked")
    codat.revoke(cid)
    # One host hears the revoke by webhook…
    post(connection_event(codat, "connection.disconnected", cid))
    by_webhook, heard_by_webhook = states(owner), list(heard)
    services.CodatConnection.objects.all().delete()
    heard.clear()

    # …another, without webhooks, by polling.
    said = poll()

    assert states(owner) == by_webhook
    assert heard == heard_by_webhook == [(None, "Deauthorized", "codat")]
    assert said.strip() == "Codat connections of 1 users: 1 refreshed."


def test_polling_again_says_nothing_new(codat, owner, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    poll()
    codat.set_status(connection["id"], "Linked")
    poll()
    poll()

    assert heard == [(None, "PendingAuth", "codat"), ("PendingAuth", "Linked", "codat")]


def test_the_periodic_task_does_the_same(codat, owner, heard):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    counts = refresh_all_connections.call(concurrency=1)

    assert counts == {"refreshed": 1}
    assert [row.status for row in services.list_connections(owner)] == ["Linked"]
    assert heard == [(None, "Linked", "codat")]


def test_an_outage_fails_the_command_and_keeps_the_records(codat, owner, heard):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    codat.outage(503, times=10)

    with pytest.raises(CommandError, match="Codat could not be reached for 1 of them"):
        poll()
    assert services.list_connections(owner) == [] and heard == []
