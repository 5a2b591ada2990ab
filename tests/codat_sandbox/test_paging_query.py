"""Paging (``page``, ``pageSize``, ``_links``), Codat's query language and the ``tags`` filter."""

from urllib.parse import parse_qs, urlsplit

import pytest

from conductor_django.codat.query import QueryError, compile_query

from .conftest import assert_error

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")


@pytest.fixture
def five(api):
    return [api.create_company(f"Company {n}", tags={"n": str(n)}) for n in range(1, 6)]


def test_default_page_holds_everything(api, five):
    page = api.get("/companies").json()
    assert (page["pageNumber"], page["pageSize"], page["totalResults"]) == (1, 100, 5)
    assert [c["name"] for c in page["results"]] == [f"Company {n}" for n in range(1, 6)]
    assert page["_links"] == {
        "self": {"href": "/companies"},
        "current": {"href": "/companies?page=1&pageSize=100"},
    }


def test_pages_and_their_links_walk_the_whole_list(api, five):
    seen, href = [], "/companies?page=1&pageSize=2&query=name~company"
    while href:
        params = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        page = api.get("/companies", **params).json()
        assert page["_links"]["current"]["href"] == href
        seen += [c["name"] for c in page["results"]]
        href = page["_links"].get("next", {}).get("href")
    assert seen == [f"Company {n}" for n in range(1, 6)]
    last = api.get("/companies", page="3", pageSize="2").json()
    assert last["totalResults"] == 5 and len(last["results"]) == 1
    assert last["_links"]["previous"]["href"] == "/companies?page=2&pageSize=2"
    assert "next" not in last["_links"]


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "x"}, {"pageSize": "0"}, {"pageSize": "5001"}]
)
def test_bad_paging_is_400(api, params):
    error = assert_error(api.get("/companies", **params), 400)
    assert next(iter(params)) in error["error"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=company 3", ["Company 3"]),
        ("name=COMPANY 3", ["Company 3"]),
        ("name!=Company 3", ["Company 1", "Company 2", "Company 4", "Company 5"]),
        ("name~ny 4", ["Company 4"]),
        ("name=Company 1||name=Company 5", ["Company 1", "Company 5"]),
        ("tags.n>3", ["Company 4", "Company 5"]),
        ("{name=Company 1||name=Company 2}&&tags.n=2", ["Company 2"]),
        ("tags.n=9", []),
    ],
)
def test_company_queries(api, five, query, expected):
    page = api.get("/companies", query=query).json()
    assert [c["name"] for c in page["results"]] == expected
    assert page["totalResults"] == len(expected)


def test_tags_filter_finds_the_owner_without_a_list_scan(api, five):
    api.create_company("Other", tags={"ownerId": "42", "region": "uk"})
    found = api.get("/companies", tags="ownerId=42").json()["results"]
    assert [c["name"] for c in found] == ["Other"]
    assert api.get("/companies", tags="ownerId=42 && region=us").json()["results"] == []
    assert len(api.get("/companies", tags="region!=uk").json()["results"]) == 5


def test_query_on_connections_inside_companies(api, five):
    from conductor_django.codat.sandbox import control

    connection = api.create_connection(five[1]["id"])
    control.complete_link(connection["id"])
    linked = api.get("/companies", query="dataConnections.status=Linked").json()["results"]
    assert [c["id"] for c in linked] == [five[1]["id"]]


def test_integrations_query_from_codats_guide(api):
    # Seed 002 writes it lowercase; Codat matches regardless of case.
    for query in ("sourceType=Accounting&&enabled=true", "sourceType=accounting&&enabled=true"):
        results = api.get("/integrations", query=query).json()["results"]
        assert results and all(i["sourceType"] == "Accounting" and i["enabled"] for i in results)
        assert "jfyh" not in {i["key"] for i in results}  # FreeAgent is disabled
    quick = api.get("/integrations", query="name~quickbooks").json()["results"]
    assert {i["key"] for i in quick} == {"qhyg", "pqsw"}


def test_connection_list_query_and_order(api):
    company = api.create_company()
    api.create_connection(company["id"], "vjms")
    api.create_connection(company["id"], "dfxm")
    path = f"/companies/{company['id']}/connections"
    assert [c["platformName"] for c in api.get(path, orderBy="platformName").json()["results"]] == [
        "Basiq",
        "Plaid",
    ]
    assert [
        c["platformName"] for c in api.get(path, orderBy="-platformName").json()["results"]
    ] == [
        "Plaid",
        "Basiq",
    ]
    assert api.get(path, query="platformName=Plaid").json()["totalResults"] == 1


@pytest.mark.parametrize("query", ["name", "name=x&&", "{name=x", "&&name=x", "na me=x"])
def test_malformed_queries_are_400(api, query):
    error = assert_error(api.get("/companies", query=query), 400, service="ClientsApi")
    assert error["error"] == "Error parsing query - Malformed query."


def test_unknown_property_is_400_naming_it(api):
    error = assert_error(api.get("/companies", query="colour=red"), 400, service="ClientsApi")
    assert error["error"] == "Error parsing query - Could not resolve property colour on Company"


def test_query_language_unit():
    match = compile_query("a.b>=2 || {c~x && d!=y}", resource="Thing", known={"a", "c", "d"})
    assert match({"a": {"b": 2}})
    assert match({"c": "XyZ", "d": "z"})
    assert not match({"c": "xyz", "d": "Y"})
    assert not match({"a": {"b": 1}})
    with pytest.raises(QueryError, match="Could not resolve property e on Thing"):
        compile_query("e=1", resource="Thing", known={"a"})
