"""A warm connections page reads the owner's rows from the cache, and never serves them stale:
every write gives the owner a new version, and a reader that raced a write stored what it read
under a version no later reader asks for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conductor_django.codat import data_status, records, snapshots
from conductor_django.codat.client import Connection, DataStatus
from conductor_django.codat.connections import refresh_connections
from conductor_django.codat.models import CodatConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(codat, owner):
    created = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    refresh_connections(owner)
    return CodatConnection.objects.get(connection_id=created["id"])


def test_a_second_read_asks_the_database_nothing(owner, linked):
    snapshots.of_owner(owner)

    with CaptureQueriesContext(connection) as queries:
        rows = snapshots.of_owner(owner)

    assert [r.connection_id for r in rows] == [linked.connection_id]
    assert len(queries) == 0


def test_a_recorded_fact_shows_at_once(codat, owner, linked):
    assert snapshots.of_owner(owner)[0].status == "Linked"
    codat.revoke(linked.connection_id)
    fact = codat.connection_json(linked.connection_id)

    records.apply(owner, owner.codat_company_id, Connection.from_api(fact), timezone.now())

    assert snapshots.of_owner(owner)[0].status == "Deauthorized"


def test_a_deleted_connection_leaves_at_once(owner, linked):
    snapshots.of_owner(owner)

    records.mark_deleted(owner, linked, timezone.now())

    assert snapshots.of_owner(owner) == []


def test_the_first_syncs_progress_shows_at_once(owner, linked):
    snapshots.of_owner(owner)
    status = DataStatus.from_api(
        {"dataType": "invoices", "currentStatus": "Fetching", "lastSuccessfulSync": None}
    )

    data_status.apply([linked], {"invoices": status}, timezone.now())

    assert snapshots.of_owner(owner)[0].data_status == "fetching"


def test_a_reader_that_raced_a_write_cannot_serve_what_it_read(owner, linked):
    cache = snapshots._cache()
    key, rows_key = snapshots.cache_keys(owner)
    snapshots.of_owner(owner)
    seen = cache.get(key)
    before = list(records.of_owner(owner))  # the reader reads the database…
    CodatConnection.objects.filter(pk=linked.pk).update(status="Unlinked")
    snapshots.changed_row(linked)  # …a write lands…
    cache.set(rows_key, (seen, before))  # …and the reader stores what it read, late.

    assert snapshots.of_owner(owner)[0].status == "Unlinked"
