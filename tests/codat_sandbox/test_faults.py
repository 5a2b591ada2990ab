"""Injected faults, late-completing creates, the request log, and connection scenarios."""

import random
import time

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from conductor_django.codat import catalog
from conductor_django.codat.sandbox import control, faults
from conductor_django.codat.sandbox.faults import DroppedConnection

from .conftest import MOUNT, assert_error, basic

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")


@pytest.mark.parametrize(
    ("kind", "status"),
    [("http_500", 500), ("http_502", 502), ("http_503", 503), ("plan_limit", 402)],
)
def test_injected_errors_have_codats_shape(api, kind, status):
    control.fail_next(1, kind)
    error = assert_error(api.get("/companies"), status)
    assert error["error"] == catalog.OUTAGES[status]
    assert api.get("/companies").status_code == 200


def test_rate_limit_has_retry_after(api):
    control.fail_next(1, "rate_limit", retry_after_seconds=7)
    response = api.get("/integrations")
    assert_error(response, 429)
    assert response["Retry-After"] == "7"


def test_html_502_is_not_json(api):
    control.fail_next(1, "html_502")
    response = api.get("/companies")
    assert response.status_code == 502
    assert response["Content-Type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.content


def test_faults_match_method_and_path_and_are_consumed(api):
    company = api.create_company()
    control.fail_next(2, "http_503", method="GET", path="/companies/*")
    assert api.get("/companies").status_code == 200
    assert api.post("/companies", {"name": "x"}).status_code == 200
    assert api.get(f"/companies/{company['id']}").status_code == 503
    assert api.get(f"/companies/{company['id']}/connections").status_code == 503
    assert api.get(f"/companies/{company['id']}").status_code == 200
    assert control.faults()["pending"] == []


def test_drop_answers_nothing(api):
    control.fail_next(1, "drop")
    response = api.get("/companies")
    with pytest.raises(DroppedConnection):
        b"".join(response.streaming_content)
    assert control.request_log()[-1]["status"] is None


def test_drop_answers_nothing_under_asgi(db):
    # An ASGI server hands over no socket to shut: the drop must still answer nothing usable.
    control.fail_next(1, "drop")
    get = async_to_sync(AsyncClient().get)
    response = get(f"{MOUNT}/companies", headers={"Authorization": basic()})
    with pytest.raises(DroppedConnection):
        b"".join(response.streaming_content)
    assert control.request_log()[-1]["status"] is None


def test_drop_after_creates_then_drops(api):
    control.fail_next(1, "drop_after", method="POST", path="/companies")
    response = api.post("/companies", {"name": "Ghost Ltd"})
    with pytest.raises(DroppedConnection):
        b"".join(response.streaming_content)
    assert [c["name"] for c in api.get("/companies").json()["results"]] == ["Ghost Ltd"]


def test_late_create_happens_but_shows_only_later(api, receiver):
    control.late_create(seconds=3600)
    response = api.post("/companies", {"name": "Late Ltd", "tags": {"ownerId": "7"}})
    with pytest.raises(DroppedConnection):
        b"".join(response.streaming_content)
    # The client saw nothing, and a retry's reconciliation by tag finds nothing yet.
    assert api.get("/companies", tags="ownerId=7").json()["results"] == []
    [hidden] = control.companies()
    assert hidden["visible"] is False and hidden["name"] == "Late Ltd"
    assert_error(api.get(f"/companies/{hidden['id']}"), 404, service="ClientsApi")
    # Its company.created waits too.
    control.deliver_pending()
    assert receiver.requests == []

    assert control.reveal_late_creates() == 1
    [shown] = api.get("/companies", tags="ownerId=7").json()["results"]
    assert shown["id"] == hidden["id"]
    control.deliver_pending()
    assert [e["eventType"] for e in receiver.events()] == ["company.created"]
    assert control.request_count("POST", "/companies") == 1


def test_late_create_becomes_visible_by_itself(api):
    control.late_create(seconds=0.2)
    with pytest.raises(DroppedConnection):
        b"".join(api.post("/companies", {"name": "Soon Ltd"}).streaming_content)
    [company] = control.companies()
    deadline = time.monotonic() + 10
    while api.get(f"/companies/{company['id']}").status_code == 404:
        assert time.monotonic() < deadline, "the late create never became visible"
        time.sleep(0.05)


def test_random_faults_use_the_configured_rate_and_kinds(db):
    control.set_faults(fault_rate=0.5, fault_kinds=["http_500", "drop"])
    rng = random.Random(1)
    taken = [faults.take("GET", "/companies", rng=rng) for _ in range(200)]
    kinds = {f.kind for f in taken if f}
    assert kinds == {"http_500", "drop"}
    assert 60 < sum(1 for f in taken if f) < 140
    control.clear_faults()
    assert faults.take("GET", "/companies") is None


def test_fault_arguments_are_checked(db):
    with pytest.raises(ValueError, match="Unknown fault kind"):
        control.fail_next(1, "meltdown")
    with pytest.raises(ValueError, match="n must"):
        control.fail_next(0, "drop")
    with pytest.raises(ValueError, match="fault_rate"):
        control.set_faults(fault_rate=2)


def test_request_log_counts_what_reached_the_sandbox(api):
    company = api.create_company()
    control.fail_next(1, "http_500")
    api.get(f"/companies/{company['id']}")
    api.get(f"/companies/{company['id']}")
    assert control.request_count("GET", "/companies/*") == 2
    assert control.request_count(company_id=company["id"]) == 2
    assert [r["status"] for r in control.request_log(method="GET")] == [500, 200]
    assert control.request_log(method="GET")[0]["fault"] == "http_500"


def test_revoke_relink_and_link_failure(api):
    company = api.create_company()
    connection = api.create_connection(company["id"])
    path = f"/companies/{company['id']}/connections/{connection['id']}"
    with pytest.raises(ValueError, match="Only Linked"):
        control.revoke(connection["id"])

    failed = control.fail_link(connection["id"], "Bad credentials")
    assert failed["statusCode"] == 500
    got = api.get(path).json()
    assert got["status"] == "PendingAuth"
    assert got["dataConnectionErrors"][-1]["statusText"] == "Bad credentials"

    control.complete_link(connection["id"])
    control.revoke(connection["id"])
    got = api.get(path).json()
    assert got["status"] == "Deauthorized"
    revoked = got["dataConnectionErrors"][-1]
    assert (revoked["statusCode"], revoked["status"]) == ("401", "Active")

    control.relink(connection["id"])
    got = api.get(path).json()
    assert got["status"] == "Linked"
    assert all(e["status"] == "Resolved" for e in got["dataConnectionErrors"])


def test_data_status_queued_fetching_complete(api):
    control.set_sync_timing(queued_seconds=3600, fetching_seconds=3600)
    company = api.create_company()
    connection = api.create_connection(company["id"], "gbol")
    path = f"/companies/{company['id']}/dataStatus"
    assert api.get(path).json() == {}
    control.complete_link(connection["id"])
    statuses = api.get(path).json()
    assert set(statuses) == set(catalog.DATA_TYPES["Accounting"])
    assert statuses["invoices"]["currentStatus"] == "Queued"
    assert statuses["invoices"]["dataType"] == "invoices"
    assert control.advance_sync(connection["id"]) == "Fetching"
    assert api.get(path).json()["invoices"]["currentStatus"] == "Fetching"
    assert control.advance_sync(connection["id"]) == "Complete"
    done = api.get(path).json()["invoices"]
    assert done["currentStatus"] == "Complete"
    assert done["latestSuccessfulSyncId"] == done["latestSyncId"]
    assert "lastSuccessfulSync" in done
    assert (
        "lastSync" in api.get(f"/companies/{company['id']}/connections/{connection['id']}").json()
    )


def test_syncs_move_on_with_time(api):
    control.set_sync_timing(queued_seconds=0, fetching_seconds=0)
    company = api.create_company()
    connection = api.create_connection(company["id"], "qhyg")
    control.complete_link(connection["id"])
    statuses = api.get(f"/companies/{company['id']}/dataStatus").json()
    assert {s["currentStatus"] for s in statuses.values()} == {"Complete"}


@pytest.mark.parametrize("outcome", ["FetchError", "AuthError"])
def test_sync_failures(api, outcome):
    control.set_sync_timing(queued_seconds=0, fetching_seconds=0)
    company = api.create_company()
    connection = api.create_connection(company["id"])
    control.set_sync_outcome(connection["id"], outcome)
    control.complete_link(connection["id"])
    statuses = api.get(f"/companies/{company['id']}/dataStatus").json()
    assert {s["currentStatus"] for s in statuses.values()} == {outcome}
    assert all("latestSuccessfulSyncId" not in s for s in statuses.values())


def test_quickbooks_desktop_waits_for_its_connector(api):
    control.set_sync_timing(queued_seconds=0, fetching_seconds=0)
    company = api.create_company()
    connection = api.create_connection(company["id"], "pqsw")
    control.complete_link(connection["id"])
    path = f"/companies/{company['id']}/dataStatus"
    assert api.get(path).json()["invoices"]["currentStatus"] == "Queued"
    assert control.advance_sync(connection["id"]) == "Queued"
    control.set_connector_online(connection["id"])
    assert api.get(path).json()["invoices"]["currentStatus"] == "Complete"


def test_revoke_turns_the_data_status_to_auth_error(api):
    control.set_sync_timing(queued_seconds=0, fetching_seconds=0)
    company = api.create_company()
    connection = api.create_connection(company["id"])
    control.complete_link(connection["id"])
    control.revoke(connection["id"])
    statuses = api.get(f"/companies/{company['id']}/dataStatus").json()
    assert {s["currentStatus"] for s in statuses.values()} == {"AuthError"}
