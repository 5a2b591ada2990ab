"""``FakeCodat``, for host apps' unit tests: the sandbox's shapes, rules and texts, on
``responses``, with outages and late-completing creates."""

import base64

import pytest
import requests

from conductor_django.codat import catalog
from conductor_django.codat.testing import FakeCodat
from conductor_django.codat.testing.fixtures import fake_codat  # noqa: F401 - the fixture

from .conftest import API_KEY

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")

BASE = "https://api.codat.test"


@pytest.fixture
def codat():
    with FakeCodat(base_url=BASE, api_key=API_KEY) as fake:
        yield fake


@pytest.fixture
def http():
    with requests.Session() as session:
        session.headers["Authorization"] = "Basic " + base64.b64encode(API_KEY.encode()).decode()
        yield session


def test_the_fixture_answers_codat_by_default(fake_codat):  # noqa: F811
    assert fake_codat.base_url == "https://api.codat.io"
    assert requests.get("https://api.codat.io/integrations").status_code == 200


def test_base_url_and_key_come_from_the_codat_settings(settings):
    settings.CODAT = {"API_KEY": "k", "API_BASE_URL": "http://127.0.0.1:9/codat"}
    with FakeCodat() as fake:
        assert requests.get("http://127.0.0.1:9/codat/companies").status_code == 401
        auth = {"Authorization": "Basic " + base64.b64encode(b"k").decode()}
        assert requests.get("http://127.0.0.1:9/codat/companies", headers=auth).ok
        assert fake.count("GET", "/companies") == 2


def test_same_shapes_as_the_sandbox(codat, http, api):
    fake_company = http.post(f"{BASE}/companies", json={"name": "Acme", "tags": {"a": "1"}}).json()
    real_company = api.create_company("Acme", tags={"a": "1"})
    assert set(fake_company) == set(real_company)
    fake_conn = http.post(
        f"{BASE}/companies/{fake_company['id']}/connections", json={"platformKey": "gbol"}
    ).json()
    real_conn = api.create_connection(real_company["id"], "gbol")
    assert set(fake_conn) == set(real_conn)
    for key in ("integrationId", "sourceId", "platformName", "sourceType", "status"):
        assert fake_conn[key] == real_conn[key]
    fake_list = http.get(f"{BASE}/integrations").json()
    real_list = api.get("/integrations").json()
    assert set(fake_list) == set(real_list)
    strip = [{k: v for k, v in i.items() if k != "logoUrl"} for i in fake_list["results"]]
    assert strip == [{k: v for k, v in i.items() if k != "logoUrl"} for i in real_list["results"]]
    fake_error = http.get(f"{BASE}/companies/nope").json()
    real_error = api.get("/companies/nope").json()
    assert {k: v for k, v in fake_error.items() if k != "correlationId"} == {
        k: v for k, v in real_error.items() if k != "correlationId"
    }


def test_wrong_key_is_401(codat):
    response = requests.get(f"{BASE}/companies", headers={"Authorization": "Basic bm9wZQ=="})
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"


def test_tags_query_and_paging(codat, http):
    for n in range(3):
        codat.add_company(f"Company {n}", tags={"ownerId": str(n)})
    found = http.get(f"{BASE}/companies", params={"tags": "ownerId=1"}).json()
    assert [c["name"] for c in found["results"]] == ["Company 1"]
    page = http.get(f"{BASE}/companies", params={"page": 2, "pageSize": 2}).json()
    assert (page["totalResults"], len(page["results"])) == (3, 1)
    assert page["_links"]["previous"]["href"] == "/companies?page=1&pageSize=2"
    bad = http.get(f"{BASE}/integrations", params={"query": "colour=red"})
    assert bad.status_code == 400 and "colour" in bad.json()["error"]


def test_link_outcomes_and_the_redirect(codat, http):
    company = codat.add_company("Acme")
    connection = codat.add_connection(company["id"], "qhyg")
    assert codat.link(connection["id"]) is None  # no template: Codat's own page
    codat.set_status(connection["id"], "PendingAuth")
    codat.redirect_url = "https://app.test/back?code={statusCode}&e={errorMessage}&s={state}"
    url = codat.link(connection["id"], "cancel", state="a b")
    assert url == "https://app.test/back?code=403&e=User%20cancelled.&s=a%20b"
    got = http.get(f"{BASE}/companies/{company['id']}/connections/{connection['id']}").json()
    assert got["status"] == "PendingAuth"
    assert got["dataConnectionErrors"][0]["statusCode"] == "403"
    assert codat.link(connection["id"]).startswith("https://app.test/back?code=200")
    statuses = http.get(f"{BASE}/companies/{company['id']}/dataStatus").json()
    assert statuses["invoices"]["currentStatus"] == "Complete"


def test_quickbooks_desktop_waits_queued_and_revoke(codat, http):
    company = codat.add_company("Acme")
    connection = codat.add_connection(company["id"], "pqsw")
    codat.link(connection["id"])
    path = f"{BASE}/companies/{company['id']}"
    assert http.get(f"{path}/dataStatus").json()["invoices"]["currentStatus"] == "Queued"
    codat.revoke(connection["id"])
    got = http.get(f"{path}/connections/{connection['id']}").json()
    assert got["status"] == "Deauthorized"
    assert got["dataConnectionErrors"][-1]["statusText"] == catalog.DEAUTHORIZED_TEXT


def test_rules_and_status_codes(codat, http):
    company = codat.add_company("Acme")
    xero = codat.add_connection(company["id"], "gbol", status="Linked")
    path = f"{BASE}/companies/{company['id']}/connections"
    refused = http.post(path, json={"platformKey": "qhyg"})
    assert refused.status_code == 400 and "one accounting" in refused.json()["error"]
    assert http.post(path, json={"platformKey": "dfxm"}).status_code == 200
    pending = http.post(path, json={"platformKey": "vjms"}).json()
    assert http.patch(f"{path}/{pending['id']}", json={"status": "Unlinked"}).status_code == 400
    assert http.patch(f"{path}/{xero['id']}", json={"status": "Unlinked"}).status_code == 200
    deleted = http.delete(f"{path}/{xero['id']}")
    assert deleted.status_code == 200 and deleted.json()["id"] == xero["id"]
    assert http.delete(f"{BASE}/companies/{company['id']}").status_code == 204
    assert http.get(f"{BASE}/companies/{company['id']}").status_code == 404


@pytest.mark.parametrize(
    ("status", "error"),
    [("network", requests.ConnectionError), ("timeout", requests.ReadTimeout)],
)
def test_network_outages_raise(codat, http, status, error):
    codat.outage(status, times=1)
    with pytest.raises(error):
        http.get(f"{BASE}/companies")
    assert http.get(f"{BASE}/companies").status_code == 200


def test_http_outages(codat, http):
    codat.outage(429, times=1, retry_after=3)
    codat.outage("html", times=1)
    limited = http.get(f"{BASE}/companies")
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
    assert limited.json()["error"] == catalog.TOO_MANY_REQUESTS
    proxy = http.get(f"{BASE}/companies")
    assert proxy.status_code == 502 and proxy.headers["Content-Type"] == "text/html"
    codat.outage(503)
    assert http.get(f"{BASE}/integrations").status_code == 503
    codat.end_outage()
    assert http.get(f"{BASE}/integrations").status_code == 200


def test_late_create_times_out_but_happened(codat, http):
    codat.late_create()
    with pytest.raises(requests.ReadTimeout):
        http.post(f"{BASE}/companies", json={"name": "Ghost", "tags": {"uid": "g"}})
    assert http.get(f"{BASE}/companies", params={"tags": "uid=g"}).json()["results"] == []
    codat.reveal_late_creates()
    [found] = http.get(f"{BASE}/companies", params={"tags": "uid=g"}).json()["results"]
    assert found["name"] == "Ghost"
    assert codat.count("POST", "/companies") == 1
    assert codat.calls[0] == ("POST", "/companies")
