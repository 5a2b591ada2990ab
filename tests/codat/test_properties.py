"""Whatever Codat (or a proxy in front of it) answers, the client returns a typed result or
raises a CodatError subclass: never a JSONDecodeError, KeyError, TypeError..."""

import json
import re

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conductor_django.codat.client import (
    Branding,
    CodatClient,
    CodatError,
    Company,
    Connection,
    DataStatus,
    Integration,
    Page,
    Profile,
)

from .payloads import BASE_URL, company_json, connection_json, integration_json, page_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
any_field = json_values | st.sampled_from(
    ["2022-10-27T09:53:29Z", "2021-11-15T01:00:00", "not a date", "Linked", "PendingAuth", ""]
)


def mutated(example):
    """The documented object, often as it is, else with a field dropped or up to two replaced."""
    keys = sorted(example)
    return st.builds(
        lambda dropped, changes: {
            key: value for key, value in {**example, **changes}.items() if key not in dropped
        },
        st.sets(st.sampled_from(keys), max_size=1),
        st.dictionaries(st.sampled_from(keys), any_field, max_size=2),
    )


connection = mutated(connection_json())
company = mutated(company_json()) | mutated(company_json(dataConnections=[connection_json()]))
integration = mutated(integration_json())
image = st.fixed_dictionaries({}, optional={"image": mutated({"src": "https://x", "alt": "a"})})
branding = st.fixed_dictionaries(
    {},
    optional={
        "logo": st.fixed_dictionaries({}, optional={"full": image, "square": image}) | any_field,
        "button": st.fixed_dictionaries({}, optional={"default": image, "hover": image})
        | any_field,
        "sourceId": any_field,
    },
)
status = mutated({"dataType": "invoices", "currentStatus": "Complete"})
items = st.one_of(company, connection, integration)
paged = st.builds(
    lambda results, extra: {**page_json(results), **extra},
    st.lists(items, max_size=3),
    st.dictionaries(
        st.sampled_from(["pageNumber", "pageSize", "totalResults", "_links", "results"]),
        any_field,
        max_size=2,
    ),
)
error_body = mutated(
    {
        "statusCode": 400,
        "service": "PublicApi",
        "error": "Bad",
        "correlationId": "c",
        "validation": {"errors": [{"itemId": "x", "message": "m"}]},
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
    }
)
shaped = st.one_of(company, connection, integration, branding, paged, error_body, json_values)
bodies = st.one_of(
    shaped.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.just(b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    shaped.map(lambda value: json.dumps(value).encode()[:-3]),
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
headers = st.dictionaries(
    st.sampled_from(["Content-Type", "Retry-After", "retry-after-ms", "X-Anything"]),
    header_text | st.sampled_from(["application/json", "text/html", "-1", "1e9", "nan", "0.001"]),
    max_size=3,
)
statuses = st.sampled_from([200, 204, 301, 400, 401, 402, 403, 404, 409, 429, 500, 502, 503])
statuses = st.just(200) | statuses | st.integers(min_value=200, max_value=599)


def page_of(item):
    return st.builds(lambda results: page_json(results), st.lists(item, max_size=3)) | paged


data_status = st.dictionaries(
    st.sampled_from(["invoices", "bills"]), status | st.none(), max_size=2
)
profile = mutated({"name": "n", "redirectUrl": "https://x", "whiteListUrls": ["https://y"]})

# Each call, what it must return, and the body Codat documents for it (half the answers use it,
# the other half anything at all).
CALLS = {
    "create_company": (lambda c: c.create_company(name="A", tags={"uid": "1"}), Company, company),
    "get_company": (lambda c: c.get_company("co"), Company, company),
    "delete_company": (lambda c: c.delete_company("co"), type(None), st.just("")),
    "list_companies": (lambda c: c.list_companies(), Page, page_of(company)),
    "find_company_by_tag": (
        lambda c: c.find_company_by_tag("uid", "1"),
        (Company, type(None)),
        page_of(company),
    ),
    "create_connection": (
        lambda c: c.create_connection("co", platform_key="gbol"),
        Connection,
        connection,
    ),
    "iter_connections": (lambda c: list(c.iter_connections("co")), list, page_of(connection)),
    "get_connection": (lambda c: c.get_connection("co", "cn"), Connection, connection),
    "unlink_connection": (lambda c: c.unlink_connection("co", "cn"), Connection, connection),
    "delete_connection": (
        lambda c: c.delete_connection("co", "cn"),
        (Connection, type(None)),
        connection | st.just(""),
    ),
    "list_integrations": (lambda c: c.list_integrations(), Page, page_of(integration)),
    "get_integration": (lambda c: c.get_integration("gbol"), Integration, integration),
    "get_branding": (lambda c: c.get_branding("gbol"), Branding, branding),
    "get_data_status": (lambda c: c.get_data_status("co"), dict, data_status),
    "get_profile": (lambda c: c.get_profile(), Profile, profile),
}


def encoded(value):
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=st.sampled_from(sorted(CALLS)), data=st.data())
def test_any_answer_is_a_typed_result_or_a_codat_error(call, data):
    method, expected, documented = CALLS[call]
    body = documented.map(encoded) | bodies
    answers = data.draw(st.lists(st.tuples(statuses, headers, body), min_size=1, max_size=3))
    client = CodatClient("prop-key", base_url=BASE_URL, backoff=0, max_retry_wait=0.01)
    queue = list(answers)

    def answer(request):
        return queue.pop(0) if len(queue) > 1 else queue[0]

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for verb in ("GET", "POST", "PATCH", "DELETE"):
            mock.add_callback(verb, re.compile(re.escape(BASE_URL) + r"/.*"), callback=answer)
        try:
            result = method(client)
        except CodatError as error:
            assert isinstance(str(error), str)
            assert isinstance(error.is_outage, bool)
            return
    assert isinstance(result, expected)
    if isinstance(result, dict):
        assert all(isinstance(item, DataStatus) for item in result.values())
    if isinstance(result, Page | list):
        items = result.results if isinstance(result, Page) else result
        assert all(isinstance(item, Company | Connection | Integration) for item in items)
