"""The platforms to pick from: the enabled integrations of the configured source types with
their branding, cached as Codat asks (no call on a warm cache), served stale when Codat fails."""

import time

import pytest

from conductor_django.codat import integrations
from conductor_django.codat.outcomes import CodatProblem, Problem

pytestmark = pytest.mark.django_db


def test_enabled_accounting_platforms_with_their_branding(codat):
    found = integrations.platforms()

    keys = [p.key for p in found]
    assert "gbol" in keys and "qhyg" in keys and "pqsw" in keys
    assert "jfyh" not in keys  # disabled
    assert "vjms" not in keys  # banking
    assert keys == sorted(keys, key=lambda k: next(p.name.lower() for p in found if p.key == k))
    quickbooks = next(p for p in found if p.key == "qhyg")
    assert quickbooks.branded_button_required
    assert quickbooks.button.src.endswith(".png") and quickbooks.button_hover is not None
    desktop = next(p for p in found if p.key == "pqsw")
    assert desktop.offline_connector


def test_a_warm_cache_makes_no_call(codat):
    integrations.platforms()
    calls = len(codat.calls)

    integrations.platforms()
    integrations.platforms(query="quick")

    assert len(codat.calls) == calls


def test_search_by_name(codat):
    assert [p.key for p in integrations.platforms(query="quickbooks desk")] == ["pqsw"]
    assert integrations.platforms(query="nothing like it") == []


def test_the_configured_source_types(codat, codat_settings):
    codat_settings["SOURCE_TYPES"] = ["Banking"]
    assert {p.key for p in integrations.platforms()} == {"dfxm", "vjms"}


def test_once_the_ttl_passes_it_is_fetched_again(codat, codat_settings):
    codat_settings["BRANDING_CACHE_TTL"] = 0.2
    integrations.platforms()
    calls = len(codat.calls)
    time.sleep(0.25)

    integrations.platforms()

    assert len(codat.calls) > calls


def test_codat_down_serves_the_list_cached_before(codat, codat_settings):
    codat_settings["BRANDING_CACHE_TTL"] = 0.1
    before = integrations.platforms()
    time.sleep(0.15)
    codat.outage(503)

    assert integrations.platforms() == before


def test_codat_down_with_nothing_cached_is_a_problem(codat):
    codat.outage(503)

    with pytest.raises(CodatProblem) as failed:
        integrations.platforms()

    assert failed.value.kind == Problem.UNAVAILABLE
