"""Codat's paged lists: one page typed, every page walked, queries URL-encoded, and the
company found by our tag."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from responses import matchers

from conductor_django.codat.client import Company, Connection, Integration, Page, errors

from .payloads import (
    BASE_URL,
    COMPANY_ID,
    company_json,
    connection_json,
    integration_json,
    page_json,
)

COMPANIES = f"{BASE_URL}/companies"
INTEGRATIONS = f"{BASE_URL}/integrations"
CONNECTIONS = f"{COMPANIES}/{COMPANY_ID}/connections"


def query_of(rsps, index=0):
    return urlsplit(rsps.calls[index].request.url).query


def test_one_page_typed(rsps, codat):
    rsps.get(COMPANIES, json=page_json([company_json()], page=2, page_size=1, total=3, more=True))

    page = codat.list_companies(page=2, page_size=1)

    assert isinstance(page, Page)
    assert [type(company) for company in page.results] == [Company]
    assert (page.page_number, page.page_size, page.total_results, page.has_next) == (2, 1, 3, True)
    assert parse_qs(query_of(rsps)) == {"page": ["2"], "pageSize": ["1"]}


def test_last_page_has_no_next(rsps, codat):
    rsps.get(COMPANIES, json=page_json([company_json()], total=1))

    assert codat.list_companies().has_next is False


def test_counts_saying_more_are_enough_without_a_next_link(rsps, codat):
    rsps.get(COMPANIES, json=page_json([company_json("a")], page_size=1, total=2))
    rsps.get(COMPANIES, json=page_json([company_json("b")], page=2, page_size=1, total=2))

    assert [company.id for company in codat.iter_companies(page_size=1)] == ["a", "b"]
    assert len(rsps.calls) == 2


def test_page_without_results_field_is_empty(rsps, codat):
    body = page_json([])
    del body["results"]
    rsps.get(COMPANIES, json=body)

    assert codat.list_companies().results == ()


def test_iterator_walks_every_page(rsps, codat):
    ids = [f"c{n}" for n in range(5)]
    for number, chunk in enumerate([ids[0:2], ids[2:4], ids[4:5]], start=1):
        rsps.get(
            COMPANIES,
            json=page_json(
                [company_json(id_) for id_ in chunk],
                page=number,
                page_size=2,
                total=5,
                more=number < 3,
            ),
            match=[matchers.query_param_matcher({"page": str(number), "pageSize": "2"})],
        )

    assert [company.id for company in codat.iter_companies(page_size=2)] == ids
    assert len(rsps.calls) == 3


def test_iterator_is_lazy(rsps, codat):
    rsps.get(COMPANIES, json=page_json([company_json("c1")], more=True))

    first = next(codat.iter_companies())

    assert first.id == "c1"
    assert len(rsps.calls) == 1


def test_iterator_stops_on_an_empty_page_that_claims_more(rsps, codat):
    rsps.get(COMPANIES, json=page_json([], more=True))

    assert list(codat.iter_companies()) == []
    assert len(rsps.calls) == 1


def test_connections_and_integrations_are_paged_too(rsps, codat):
    rsps.get(CONNECTIONS, json=page_json([connection_json()], path="/connections", more=True))
    rsps.get(CONNECTIONS, json=page_json([connection_json(id="second")], page=2))
    rsps.get(INTEGRATIONS, json=page_json([integration_json(), integration_json("qhyg")]))

    connections = list(codat.iter_connections(COMPANY_ID))
    integrations = list(codat.iter_integrations())

    assert [type(c) for c in connections] == [Connection, Connection]
    assert [c.id for c in connections][1] == "second"
    assert [i.key for i in integrations] == ["gbol", "qhyg"]
    assert all(isinstance(i, Integration) for i in integrations)


def test_integration_query_is_url_encoded_as_codat_documents(rsps, codat):
    rsps.get(INTEGRATIONS, json=page_json([integration_json()]))

    codat.list_integrations(query="sourceType=Accounting&&enabled=true", order_by="-name")

    # Seed 002: ?query=sourceType%3DAccounting%26%26enabled%3Dtrue
    assert query_of(rsps) == (
        "page=1&pageSize=100&query=sourceType%3DAccounting%26%26enabled%3Dtrue&orderBy=-name"
    )


def test_spaces_in_a_query_are_percent_encoded(rsps, codat):
    rsps.get(COMPANIES, json=page_json([]))

    codat.list_companies(tags="region = uk && team = invoice-finance")

    assert "tags=region%20%3D%20uk%20%26%26%20team%20%3D%20invoice-finance" in query_of(rsps)
    assert parse_qs(query_of(rsps))["tags"] == ["region = uk && team = invoice-finance"]


@pytest.mark.parametrize(("page", "page_size"), [(0, 100), (1, 0), (1, 5001)])
def test_paging_out_of_codats_range_is_refused(rsps, codat, page, page_size):
    with pytest.raises(ValueError):
        codat.list_companies(page=page, page_size=page_size)

    assert len(rsps.calls) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"results": [], "pageSize": 100, "totalResults": 0, "_links": {}},
        page_json([]) | {"pageNumber": "1"},
        page_json([]) | {"totalResults": True},
        page_json([]) | {"_links": {"self": {"href": "/companies"}}},
        page_json([]) | {"_links": "none"},
        page_json([]) | {"results": {"id": COMPANY_ID}},
        page_json([{"id": COMPANY_ID}]),
    ],
    ids=["no-page-number", "string-number", "bool-total", "no-current", "links", "dict", "item"],
)
def test_malformed_page_is_invalid_response(rsps, once, body):
    rsps.get(COMPANIES, json=body)

    with pytest.raises(errors.InvalidResponseError):
        once.list_companies()


# Finding the company by our tag


def test_find_company_by_tag_filters_on_the_server(rsps, codat):
    rsps.get(COMPANIES, json=page_json([company_json()]))

    company = codat.find_company_by_tag("uid", "42")

    assert company.id == COMPANY_ID
    assert parse_qs(query_of(rsps))["tags"] == ["uid=42"]


def test_find_company_by_tag_returns_the_oldest_exact_match(rsps, codat):
    results = [
        company_json("newer", created="2024-01-02T00:00:00Z"),
        company_json("older", created="2024-01-01T00:00:00Z"),
        company_json("other", created="2023-01-01T00:00:00Z", tags={"uid": "420"}),
    ]
    rsps.get(COMPANIES, json=page_json(results))

    company = codat.find_company_by_tag("uid", "42")

    assert company.id == "older"
    assert company.created == datetime(2024, 1, 1, tzinfo=UTC)


def test_find_company_by_tag_reads_every_page(rsps, codat):
    rsps.get(COMPANIES, json=page_json([company_json("a", tags={"uid": "7"})], more=True))
    rsps.get(COMPANIES, json=page_json([company_json("b", tags={"uid": "42"})], page=2))

    assert codat.find_company_by_tag("uid", "42").id == "b"


def test_find_company_by_tag_none(rsps, codat):
    rsps.get(COMPANIES, json=page_json([]))

    assert codat.find_company_by_tag("uid", "42") is None


@pytest.mark.parametrize(
    ("key", "value"), [("uid", "42||uid=43"), ("uid", "4&&2"), ("uid", ""), ("u=id", "1")]
)
def test_find_company_by_tag_refuses_a_value_that_widens_the_query(rsps, codat, key, value):
    # Another owner's company must never come back for ours.
    with pytest.raises(ValueError):
        codat.find_company_by_tag(key, value)

    assert len(rsps.calls) == 0
