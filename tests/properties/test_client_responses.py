"""Whatever Conductor (or a proxy in front of it) answers, the client returns a typed result or
raises a ConductorError subclass: never a JSONDecodeError, KeyError, TypeError..."""

import json

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conductor_django.client import ConductorClient, ConductorError
from conductor_django.client.resources import (
    AuthSession,
    DeletedEndUser,
    EndUser,
)
from conductor_django.client.resources import (
    HealthCheck as HC,
)

BASE = "https://api.conductor.test/v1"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
any_field = json_values | st.sampled_from(
    ["2026-05-04T10:11:12.123Z", "not a date", "end_usr_1", "quickbooks_desktop", "ok", ""]
)
end_user = st.fixed_dictionaries(
    {},
    optional={
        key: any_field
        for key in (
            "id",
            "objectType",
            "createdAt",
            "companyName",
            "sourceId",
            "email",
            "integrationConnections",
        )
    },
)
error_envelope = st.fixed_dictionaries(
    {
        "error": st.fixed_dictionaries(
            {},
            optional={
                key: any_field
                for key in (
                    "message",
                    "userFacingMessage",
                    "type",
                    "code",
                    "httpStatusCode",
                    "requestId",
                    "integrationCode",
                )
            },
        )
        | json_values
    }
)
shaped = st.one_of(
    end_user,
    error_envelope,
    st.fixed_dictionaries({"objectType": any_field, "data": st.lists(end_user, max_size=3)}),
    st.fixed_dictionaries({}, optional={"status": any_field, "duration": any_field}),
    st.fixed_dictionaries(
        {},
        optional={
            k: any_field
            for k in ("id", "createdAt", "endUserId", "clientSecret", "authFlowUrl", "expiresAt")
        },
    ),
    json_values,
)
bodies = st.one_of(
    shaped.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.just(b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    shaped.map(lambda value: json.dumps(value).encode()[:-3]),
)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
headers = st.dictionaries(
    st.sampled_from(
        [
            "Content-Type",
            "Retry-After",
            "retry-after-ms",
            "Conductor-Request-Id",
            "Content-Encoding",
            "X-Anything",
        ]
    ),
    header_text | st.sampled_from(["application/json", "text/html", "gzip", "-1", "1e9", "0.001"]),
    max_size=4,
)
statuses = st.sampled_from([200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504])
statuses = statuses | st.integers(min_value=200, max_value=599)

CALLS = {
    "create_end_user": (
        lambda c: c.create_end_user(company_name="Acme", source_id="1", email="a@b.test"),
        EndUser,
    ),
    "retrieve_end_user": (lambda c: c.retrieve_end_user("end_usr_1"), EndUser),
    "list_end_users": (lambda c: c.list_end_users(), list),
    "find_end_user": (lambda c: c.find_end_user("1"), (EndUser, type(None))),
    "delete_end_user": (lambda c: c.delete_end_user("end_usr_1"), DeletedEndUser),
    "create_auth_session": (
        lambda c: c.create_auth_session(publishable_key="pk_x", end_user_id="end_usr_1"),
        AuthSession,
    ),
    "health_check": (lambda c: c.health_check("end_usr_1"), HC),
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    call=st.sampled_from(sorted(CALLS)),
    answers=st.lists(st.tuples(statuses, headers, bodies), min_size=1, max_size=3),
)
def test_any_answer_is_a_typed_result_or_a_conductor_error(call, answers):
    client = ConductorClient(
        "sk_conductor_prop", base_url=BASE, max_retries=2, backoff=0, max_retry_wait=0.01
    )
    queue = list(answers)

    def answer(request):
        status, answer_headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
        return status, answer_headers, body

    method, expected = CALLS[call]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for verb in ("GET", "POST", "DELETE"):
            mock.add_callback(verb, _any_url(), callback=answer)
        try:
            result = method(client)
        except ConductorError as error:
            assert isinstance(str(error), str)
            return
    assert isinstance(result, expected)
    if isinstance(result, list):
        assert all(isinstance(item, EndUser) for item in result)


def _any_url():
    import re

    return re.compile(re.escape(BASE) + r"/.*")
