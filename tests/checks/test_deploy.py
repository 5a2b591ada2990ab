"""The ``check --deploy`` warnings fire exactly when their condition holds, and only with
``--deploy``."""

import pytest
from django.conf import settings
from django.core import checks

GOOD = settings.CONDUCTOR
SANDBOX_APP = "conductor_django.sandbox"
DEMO_SECRET = "sk_conductor_sandbox_demo_0000000000000000"
DEMO_PUBLISHABLE = "pk_conductor_sandbox_demo_0000000000000000"


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    for name in ("CONDUCTOR_SECRET_KEY", "CONDUCTOR_PUBLISHABLE_KEY", "CONDUCTOR_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_sandbox(settings):
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != SANDBOX_APP]
    settings.ROOT_URLCONF = "tests.checks.urls_without_sandbox"
    del settings.CONDUCTOR_SANDBOX


def deploy_ids(deploy=True):
    # What `manage.py check` shows: the example project silences W005 on purpose.
    found = checks.run_checks(tags=["conductor"], include_deployment_checks=deploy)
    return sorted(m.id for m in found if not m.is_silenced())


def only(id_):
    [found] = [
        m
        for m in checks.run_checks(tags=["conductor"], include_deployment_checks=True)
        if m.id == f"conductor_django.{id_}"
    ]
    return found


def test_none_without_deploy(settings):
    settings.DEBUG = False
    settings.CONDUCTOR = {**GOOD, "SECRET_KEY": DEMO_SECRET, "API_BASE_URL": "http://x/v1"}
    assert deploy_ids(deploy=False) == []
    assert deploy_ids() == [
        "conductor_django.W007",
        "conductor_django.W008",
        "conductor_django.W009",
    ]


def test_sandbox_installed_but_not_mounted(settings):
    settings.ROOT_URLCONF = "tests.checks.urls_without_sandbox"
    del settings.CONDUCTOR_SANDBOX
    assert only("W007").msg == (
        "The Conductor sandbox is deployed: conductor_django.sandbox is in INSTALLED_APPS."
    )


def test_no_sandbox_no_warning(no_sandbox):
    assert "conductor_django.W007" not in deploy_ids()


@pytest.mark.parametrize(
    ("url", "warns"),
    [
        ("https://api.conductor.is/v1", False),
        (None, False),  # the default is https
        ("http://api.conductor.is/v1", True),
        ("http://127.0.0.1:8000/sandbox/v1", True),
        ("api.conductor.is/v1", True),
    ],
)
def test_api_base_url_must_be_https(no_sandbox, settings, url, warns):
    settings.CONDUCTOR = {**GOOD, "API_BASE_URL": url}
    assert deploy_ids() == (["conductor_django.W008"] if warns else [])


def test_an_http_base_url_from_the_environment(no_sandbox, monkeypatch, settings):
    settings.CONDUCTOR = {**GOOD, "API_BASE_URL": None}
    monkeypatch.setenv("CONDUCTOR_BASE_URL", "http://127.0.0.1:8000/sandbox/v1")
    assert deploy_ids() == ["conductor_django.W008"]


@pytest.mark.parametrize(
    ("conductor", "sandbox", "environment", "warns"),
    [
        ({"SECRET_KEY": DEMO_SECRET}, None, {}, True),
        ({"PUBLISHABLE_KEY": DEMO_PUBLISHABLE}, None, {}, True),
        ({"SECRET_KEY": None}, None, {"CONDUCTOR_SECRET_KEY": DEMO_SECRET}, True),
        ({}, {"SECRET_KEY": "sk_conductor_dev"}, {}, True),
        ({}, {"ENABLED": True}, {}, False),
        ({}, None, {}, False),
    ],
)
def test_sandbox_keys_with_debug_off(
    no_sandbox, settings, monkeypatch, conductor, sandbox, environment, warns
):
    settings.DEBUG = False
    settings.CONDUCTOR = {**GOOD, **conductor}
    if sandbox is not None:
        settings.CONDUCTOR_SANDBOX = sandbox
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert deploy_ids() == (["conductor_django.W009"] if warns else [])


def test_sandbox_keys_with_debug_on_are_a_developers_machine(no_sandbox, settings):
    settings.DEBUG = True
    settings.CONDUCTOR = {**GOOD, "SECRET_KEY": DEMO_SECRET, "PUBLISHABLE_KEY": DEMO_PUBLISHABLE}
    assert deploy_ids() == []


def test_the_message_never_shows_more_of_a_key_than_its_prefix(no_sandbox, settings):
    settings.DEBUG = False
    settings.CONDUCTOR = {**GOOD, "SECRET_KEY": DEMO_SECRET + "SECRETPART"}
    assert "SECRETPART" not in only("W009").msg
    assert "demo_0000" not in only("W009").msg
