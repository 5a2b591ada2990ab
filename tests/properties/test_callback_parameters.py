"""Whatever query string reaches the callback, the answer is 400 or 302, never a 500."""

import pytest
from django.utils.http import urlencode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conductor_django import state

hostile_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["//evil.com", "javascript:alert(1)", "\x00", "%", "%zz", "a" * 5000, "é"]),
)
raw_query = st.binary(max_size=200).map(lambda raw: raw.decode("latin-1"))
structured_query = st.lists(
    st.tuples(st.sampled_from(["state", "next", "code", "error", "x", ""]), hostile_values),
    max_size=5,
).map(lambda pairs: urlencode(pairs))


@pytest.fixture
def logged_in(client, user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    client.force_login(user)
    return client


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=raw_query | structured_query, with_valid_state=st.booleans())
def test_any_query_string_gets_400_or_302(logged_in, query, with_valid_state):
    if with_valid_state:
        # Put a real pending state in the session and sometimes into the query, among the noise.
        token = _pending_state(logged_in)
        query = f"{query}&state={token}" if query else f"state={token}"

    response = logged_in.get("/quickbooks/callback/", QUERY_STRING=query)

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"].startswith("/")
        assert not response["Location"].startswith("//")


def _pending_state(client):
    from django.test import RequestFactory

    from example_project.accounts.models import User

    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = User.objects.get(username="alice")
    token = state.issue(request, request.user, "", 30)
    session.save()
    return token
