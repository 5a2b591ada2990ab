"""``conductor_django.testing.FakeConductor`` as a host's tests use it: through the app's own
client, with nothing on the network."""

import time
from typing import Literal, get_args, get_origin

import pytest
import requests

from conductor_django.client import ConductorClient, errors
from conductor_django.client.catalog import HEALTH_CHECK_ERRORS, HealthCheckProblem
from conductor_django.clients import get_client
from conductor_django.testing import SCENARIOS, FakeConductor, OutageKind, ScenarioName


def literal_values(alias):
    """The strings a ``Literal`` (or a union of them) allows."""
    if get_origin(alias) is Literal:
        return list(get_args(alias))
    return [value for arg in get_args(alias) for value in literal_values(arg)]


def create(client, source_id="u-1"):
    return client.create_end_user(company_name="Acme", source_id=source_id, email="a@acme.test")


@pytest.fixture
def client():
    return get_client()


def test_complete_late_times_out_then_the_end_user_appears(client):
    with FakeConductor() as fake:
        fake.complete_late(seconds=0.2)

        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            create(client)
        assert "did not answer in time" in str(caught.value)
        # Like Conductor: not there when the client gave up, there once the time has passed.
        assert client.list_end_users() == []
        assert fake.end_users == {}
        time.sleep(max(0.0, 0.25 - (time.monotonic() - started)))
        [late] = client.list_end_users()
        assert late.source_id == "u-1"
        assert list(fake.end_users) == [late.id]
        assert client.retrieve_end_user(late.id) == late


def test_complete_late_counts_down_times(client):
    with FakeConductor() as fake:
        fake.complete_late(seconds=0, times=2)
        for source_id in ("a", "b"):
            with pytest.raises(Exception, match="did not answer in time"):
                create(client, source_id)
        assert create(client, "c").source_id == "c"
        assert sorted(u["sourceId"] for u in fake.end_users.values()) == ["a", "b", "c"]
        assert fake.count("POST", "/end-users") == 3


def test_outage_limited_to_one_method_and_path(client):
    with FakeConductor() as fake:
        fake.outage(503, method="POST", path="/end-users")
        assert client.list_end_users() == []
        with pytest.raises(Exception, match="SERVICE_UNAVAILABLE"):
            create(client)
        fake.end_outage()
        assert create(client).source_id == "u-1"


def test_the_fake_raises_what_requests_raises(settings):
    with FakeConductor() as fake:
        fake.complete_late(seconds=0)
        with pytest.raises(requests.ReadTimeout):
            requests.post(
                f"{fake.base_url}/end-users",
                json={"companyName": "c", "sourceId": "s", "email": "e@x.test"},
                headers={"Authorization": f"Bearer {settings.CONDUCTOR['SECRET_KEY']}"},
                timeout=1,
            )


def test_the_typed_scenario_names_are_the_ones_the_fake_plays(client):
    # A name the type allows but the fake refuses (or the reverse) would mislead a host's mypy.
    assert literal_values(HealthCheckProblem) == list(HEALTH_CHECK_ERRORS)
    assert literal_values(ScenarioName) == list(SCENARIOS)
    with FakeConductor() as fake:
        end_user = create(client)
        for name in literal_values(ScenarioName):
            fake.set_scenario(end_user.id, name)
            if name == "connected":
                assert client.health_check(end_user.id).status == "ok"
            else:
                with pytest.raises(errors.ConductorAPIError) as caught:
                    client.health_check(end_user.id)
                assert caught.value.http_status_code == HEALTH_CHECK_ERRORS[name][0]


@pytest.mark.parametrize(
    ("kind", "error", "sent"),
    [
        ("network", errors.NetworkError, True),
        ("refused", errors.NetworkError, False),
        ("timeout", errors.TimeoutError, True),
        ("html", errors.InvalidResponseError, True),
    ],
)
def test_each_typed_outage_kind_fails_the_call_its_own_way(settings, kind, error, sent):
    assert kind in literal_values(OutageKind)
    with FakeConductor() as fake:
        once = ConductorClient(
            settings.CONDUCTOR["SECRET_KEY"], base_url=fake.base_url, max_retries=0
        )
        fake.outage(kind, times=1)
        with pytest.raises(error) as caught:
            once.list_end_users()
        assert caught.value.request_sent is sent
        assert once.list_end_users() == []


def test_every_typed_outage_kind_is_tested():
    assert sorted(literal_values(OutageKind)) == ["html", "network", "refused", "timeout"]
