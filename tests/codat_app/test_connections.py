"""The connection services: records without the network, refreshes that record what Codat says
(and tell the host), a connection per platform without duplicates, one accounting connection per
company, unlink and delete; every Codat failure a typed problem."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from conductor_django.codat import records, signals
from conductor_django.codat.client import Connection
from conductor_django.codat.connections import (
    delete_connection,
    list_connections,
    reconnect,
    refresh_connections,
    start_connection,
    unlink_connection,
)
from conductor_django.codat.models import CodatConnection, CodatLink
from conductor_django.codat.outcomes import CodatProblem, Problem, ReplaceAction

from .conftest import tagged

pytestmark = pytest.mark.django_db
Status = CodatConnection.Status


@pytest.fixture
def heard():
    """What the status signals said, as a host's receivers would hear it."""
    found = []

    def status(sender, **kwargs):
        found.append(("changed", kwargs))

    def completed(sender, **kwargs):
        found.append(("completed", kwargs))

    signals.connection_status_changed.connect(status, weak=False)
    signals.connection_completed.connect(completed, weak=False)
    yield found
    signals.connection_status_changed.disconnect(status)
    signals.connection_completed.disconnect(completed)


def test_listing_reads_the_records_without_calling_codat(codat, owner):
    codat.add_connection(owner.codat_company_id, "gbol")
    refresh_connections(owner)
    before = len(codat.calls)

    [row] = list_connections(owner)

    assert (row.platform_key, row.platform_name, row.status) == ("gbol", "Xero", "PendingAuth")
    assert len(codat.calls) == before


def test_a_refresh_records_each_change_once_and_tells_the_host(codat, owner, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    refresh_connections(owner)
    codat.link(connection["id"], "link")

    [row] = refresh_connections(owner)
    refresh_connections(owner)  # nothing changed: nothing said

    assert row.status == Status.LINKED and row.is_linked
    assert row.data_status == CodatConnection.DataStatus.COMPLETE
    kinds = [(kind, kw.get("old_status"), kw.get("new_status")) for kind, kw in heard]
    assert kinds == [
        ("changed", None, "PendingAuth"),
        ("changed", "PendingAuth", "Linked"),
        ("completed", None, None),
    ]
    for _, kwargs in heard:
        assert kwargs["provider"] == "codat"
        assert kwargs["owner"] == owner
        assert kwargs["connection_id"] == connection["id"]
        assert kwargs["company_id"] == owner.codat_company_id
        assert kwargs["platform_key"] == "gbol"


def test_a_revoke_is_recorded_in_words_the_user_understands(codat, owner, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    codat.set_sync_status(connection["id"], "Complete")
    refresh_connections(owner)
    codat.revoke(connection["id"])

    [row] = refresh_connections(owner)

    assert row.status == Status.DEAUTHORIZED and row.needs_reconnect
    assert records.error_words(row) == (
        "Access to Xero was revoked or has expired. Reconnect it to resume syncing."
    )
    changed = heard[-1][1]
    assert (changed["old_status"], changed["new_status"]) == ("Linked", "Deauthorized")
    assert "revoked" in changed["user_facing_message"]


def test_a_refresh_within_max_age_makes_no_call(codat, owner):
    refresh_connections(owner)
    calls = len(codat.calls)

    refresh_connections(owner, max_age=60)

    assert len(codat.calls) == calls


def test_an_older_fact_never_overwrites_a_newer_one(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    [row] = refresh_connections(owner)
    stale = Connection.from_api({**codat.connection_json(connection["id"]), "status": "Unlinked"})

    records.apply(owner, owner.codat_company_id, stale, row.fact_at - timedelta(seconds=5))

    row.refresh_from_db()
    assert row.status == Status.LINKED


def test_a_connection_deleted_at_codat_becomes_a_tombstone(codat, owner, heard):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    refresh_connections(owner)
    del codat.connections[connection["id"]]

    assert refresh_connections(owner) == []

    tombstone = CodatConnection.objects.get(connection_id=connection["id"])
    assert tombstone.deleted_at is not None
    assert heard[-1][1]["new_status"] is None


def test_starting_creates_a_pending_connection_and_records_who(codat, owner):
    started = start_connection(owner, "gbol", issued_by=owner)

    assert not started.reused and started.replaced is None
    assert started.connection.status == Status.PENDING_AUTH
    assert started.link_url == codat.connection_json(started.connection.connection_id)["linkUrl"]
    assert "link_url" not in repr(started) and started.link_url not in repr(started)
    [link] = CodatLink.objects.all()
    assert (link.owner, link.issued_by, link.platform_key) == (owner, owner, "gbol")
    assert link.reason == CodatLink.Reason.PAGE


def test_starting_again_reuses_the_pending_connection(codat, owner):
    first = start_connection(owner, "gbol")
    second = start_connection(owner, "gbol")

    assert second.reused and second.connection.pk == first.connection.pk
    assert codat.count("POST", "/connections") == 1
    assert CodatLink.objects.filter(reused=True).count() == 1


def test_starting_the_linked_accounting_platform_again_relinks_it(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Deauthorized")

    started = start_connection(owner, "gbol")

    assert started.reused and started.connection.connection_id == connection["id"]
    assert codat.count("POST", "/connections") == 0


def test_another_accounting_platform_says_what_replacing_does(codat, owner):
    xero = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    with pytest.raises(CodatProblem) as refused:
        start_connection(owner, "qhyg")

    problem = refused.value
    assert problem.kind == Problem.ACCOUNTING_CONNECTED
    assert problem.replacement.action == ReplaceAction.UNLINK
    assert problem.replacement.existing.connection_id == xero["id"]
    assert "disconnects Xero" in problem.replacement.message
    assert "data already read" in problem.replacement.message
    assert codat.count("POST", "/connections") == 0

    started = start_connection(owner, "qhyg", replace=True)

    assert started.replaced.connection_id == xero["id"]
    assert codat.connections[xero["id"]]["status"] == "Unlinked"
    assert started.connection.platform_key == "qhyg"
    assert started.connection.status == Status.PENDING_AUTH


def test_replacing_a_deauthorized_accounting_connection_deletes_it(codat, owner):
    xero = codat.add_connection(owner.codat_company_id, "gbol", status="Deauthorized")

    with pytest.raises(CodatProblem) as refused:
        start_connection(owner, "qhyg")
    assert refused.value.replacement.action == ReplaceAction.DELETE

    start_connection(owner, "qhyg", replace=True)

    assert xero["id"] not in codat.connections
    assert CodatConnection.objects.get(connection_id=xero["id"]).deleted_at is not None


def test_banking_beside_accounting_needs_no_replacement(codat, owner, codat_settings):
    codat_settings["SOURCE_TYPES"] = ["Accounting", "Banking"]
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    started = start_connection(owner, "vjms")

    assert started.connection.source_type == "Banking"


@pytest.mark.parametrize("key", ["nope", "jfyh", "vjms"])  # unknown, disabled, not accounting
def test_a_platform_that_cannot_be_picked_is_refused(codat, owner, key):
    with pytest.raises(CodatProblem) as refused:
        start_connection(owner, key)
    assert refused.value.kind == Problem.UNKNOWN_PLATFORM
    assert codat.count("POST", "/connections") == 0


def test_reconnect_hands_out_the_connection_link_again(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Deauthorized")

    started = reconnect(owner, connection["id"])

    assert started.reused and started.connection.status == Status.DEAUTHORIZED
    assert started.link_url.endswith(f"/connections/{connection['id']}/start")


def test_unlink_keeps_the_connection_unlinked(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    row = unlink_connection(owner, connection["id"])

    assert row.status == Status.UNLINKED
    assert codat.connections[connection["id"]]["status"] == "Unlinked"


def test_unlink_of_a_pending_connection_says_so(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol")

    with pytest.raises(CodatProblem) as refused:
        unlink_connection(owner, connection["id"])

    assert refused.value.kind == Problem.NOT_LINKED
    assert CodatConnection.objects.get(connection_id=connection["id"]).status == "PendingAuth"


def test_delete_removes_it_at_codat(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    refresh_connections(owner)

    delete_connection(owner, connection["id"])

    assert connection["id"] not in codat.connections
    assert list_connections(owner) == []


def test_another_owners_connection_is_not_found(codat, owner, make_user):
    other = make_user("mallory")
    theirs = codat.add_connection(other.codat_company_id, "gbol", status="Linked")

    for action in (unlink_connection, delete_connection, reconnect):
        with pytest.raises(CodatProblem) as refused:
            action(owner, theirs["id"])
        assert refused.value.kind == Problem.NOT_FOUND
    assert codat.connections[theirs["id"]]["status"] == "Linked"


@pytest.mark.parametrize("outage", [503, 429, "timeout", "network", "html"])
def test_a_codat_outage_is_a_problem_logged_once(codat, owner, outage, caplog):
    codat.outage(outage)

    with pytest.raises(CodatProblem) as failed:
        refresh_connections(owner)

    assert failed.value.kind == Problem.UNAVAILABLE
    assert failed.value.message.startswith("We could not reach")
    lines = [
        r
        for r in caplog.records
        # The HTTP client's own retry notices are about its retries: left out.
        if r.name.startswith("conductor_django")
        and not r.name.endswith(".client")
        and r.levelno >= logging.WARNING
    ]
    [line] = lines
    assert line.exc_info is None and f"accounts.User {owner.pk}" in line.getMessage()


def test_a_revoked_key_is_refused_not_unavailable(codat, owner):
    codat.outage(401)

    with pytest.raises(CodatProblem) as failed:
        start_connection(owner, "gbol")

    assert failed.value.kind == Problem.REFUSED


def test_while_the_company_is_created_elsewhere_it_is_setting_up(codat, make_user, codat_settings):
    codat.late_create()
    user = make_user()

    with pytest.raises(CodatProblem) as held:
        start_connection(user, "gbol")

    assert held.value.kind == Problem.SETTING_UP
    assert held.value.retry_at > timezone.now()


def test_a_company_codat_lost_is_replaced_once(codat, owner, heard):
    gone = owner.codat_company_id
    connection = codat.add_connection(gone, "gbol", status="Linked")
    refresh_connections(owner)
    missing = []
    signals.company_missing.connect(lambda **kw: missing.append(kw), weak=False)
    del codat.companies[gone]
    del codat.connections[connection["id"]]
    try:
        rows = refresh_connections(owner)
    finally:
        signals.company_missing.receivers.clear()

    owner.refresh_from_db()
    assert owner.codat_company_id not in (None, gone)
    assert rows == []
    assert [kw["company_id"] for kw in missing] == [gone]
    assert len(tagged(codat, owner)) == 1
    assert CodatConnection.objects.get(connection_id=connection["id"]).deleted_at is not None


def test_a_404_for_every_call_is_an_outage_not_a_lost_company(codat, owner):
    company = owner.codat_company_id
    codat.outage(404)

    with pytest.raises(CodatProblem) as failed:
        refresh_connections(owner)

    assert failed.value.kind == Problem.UNAVAILABLE
    owner.refresh_from_db()
    assert owner.codat_company_id == company
