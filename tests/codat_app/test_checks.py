"""Codat's system checks: each fires on the mistake it names, none on a correct configuration,
none touches the network in a plain ``check``; the Portal's redirect template is verified only
under ``check --deploy``."""

import re
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import CommandError, call_command

from .conftest import REDIRECT

pytestmark = pytest.mark.django_db


def codat_ids(deploy=False):
    return sorted(
        m.id
        for m in checks.run_checks(tags=["codat"], include_deployment_checks=deploy)
        if m.id.startswith("conductor_codat.") and not m.is_silenced()
    )


def test_a_configured_host_passes_without_a_network_call(codat):
    assert codat_ids() == []
    assert codat.calls == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"API_KEY": None}, ["conductor_codat.W002"]),
        ({"APIKEY": "x"}, ["conductor_codat.W001"]),
        ({"STATE_PARAMETER": "statusCode"}, ["conductor_codat.E003"]),
        ({"STATE_PARAMETER": "otp"}, ["conductor_codat.E003"]),
        ({"STATE_PARAMETER": "st{ate}"}, ["conductor_codat.E003"]),
        ({"OWNER_TAG": "owner id"}, ["conductor_codat.E004"]),
        ({"OWNER_TAG": "a=b"}, ["conductor_codat.E004"]),
        ({"COMPANY_NAME_GETTER": "nowhere.at.all"}, ["conductor_codat.E005"]),
        ({"SOURCE_TYPES": ["Accountancy"]}, ["conductor_codat.E006"]),
        ({"CREATE_GRACE_SECONDS": 10}, ["conductor_codat.W003"]),
        ({"WEBHOOK_SECRETS": ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]}, ["conductor_codat.E008"]),
        ({"WEBHOOK_SECRETS": ["whsec_not base64!"]}, ["conductor_codat.E008"]),
        ({"WEBHOOK_SECRETS": ["whsec_"]}, ["conductor_codat.E008"]),
        ({"WEBHOOK_SECRETS": 42}, ["conductor_codat.E008"]),
        ({"WEBHOOK_SECRETS": []}, ["conductor_codat.W009"]),
        ({"WEBHOOK_SECRETS": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, []),
    ],
)
def test_each_mistake_is_named(codat_settings, monkeypatch, changes, expected):
    monkeypatch.delenv("CODAT_API_KEY", raising=False)
    codat_settings.update(changes)
    assert codat_ids() == expected


def test_a_malformed_secret_in_the_environment_is_named(codat_settings, monkeypatch):
    del codat_settings["WEBHOOK_SECRETS"]
    monkeypatch.setenv("CODAT_WEBHOOK_SECRETS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw sk_live_x")
    assert codat_ids() == ["conductor_codat.E008"]


def test_no_secret_is_fine_where_the_endpoint_is_not_mounted(codat_settings, settings):
    codat_settings["WEBHOOK_SECRETS"] = None
    settings.ROOT_URLCONF = "tests.codat_app.urls"
    assert codat_ids() == []


def test_settings_that_are_not_a_dict(settings):
    settings.CODAT = "key"
    assert codat_ids() == ["conductor_codat.E001"]


def test_the_app_without_the_core_app(settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "conductor_django"]
    assert "conductor_codat.E002" in codat_ids()


def test_an_owner_model_without_the_mixin(settings, codat_settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "OWNER_MODEL": "auth.Group"}
    ids = codat_ids()
    assert "conductor_codat.E007" in ids


def test_deploy_verifies_the_portal_template(codat, settings):
    settings.INSTALLED_APPS = [
        a for a in settings.INSTALLED_APPS if a != "conductor_django.codat.sandbox"
    ]
    settings.ROOT_URLCONF = "tests.codat_app.urls"
    codat.redirect_url = REDIRECT

    assert codat_ids(deploy=True) == []

    codat.redirect_url = "http://testserver/codat/return/?statusCode={statusCode}"
    [warning] = [
        m
        for m in checks.run_checks(tags=["codat"], include_deployment_checks=True)
        if m.id == "conductor_codat.W006"
    ]
    assert "{connectionId}" in warning.msg and "{state}" in warning.msg
    assert "/codat/return/?statusCode={statusCode}&connectionId={connectionId}&state={state}" in (
        warning.hint
    )


def test_deploy_says_when_it_could_not_verify(codat, settings):
    settings.ROOT_URLCONF = "tests.codat_app.urls"
    codat.outage("network")

    ids = codat_ids(deploy=True)

    assert "conductor_codat.W008" in ids and "conductor_codat.W006" not in ids


def test_the_command_checks_the_template(codat, settings, capsys):
    settings.ROOT_URLCONF = "tests.codat_app.urls"
    codat.redirect_url = REDIRECT
    call_command("codat_check_redirect")
    assert "brings users back" in capsys.readouterr().out

    codat.redirect_url = ""
    with pytest.raises(CommandError, match="codat/return/"):
        call_command("codat_check_redirect", "--site", "https://app.example.com")


def test_a_codat_only_host_gets_no_conductor_warning(settings, monkeypatch, codat):
    """Its owner model carries Codat's mixin only: ``conductor_django`` is there as the core
    app, so Conductor's keys, callback URL and mixin are nothing to warn about."""
    for name in ("CONDUCTOR_SECRET_KEY", "CONDUCTOR_PUBLISHABLE_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.hosts.codat_only"]
    settings.CONDUCTOR = {"OWNER_MODEL": "codat_only.Workspace"}
    settings.ROOT_URLCONF = "tests.codat_app.urls"

    found = sorted(
        m.id
        for m in checks.run_checks(tags=["conductor", "codat"])
        if m.id.startswith(("conductor_django.", "conductor_codat.")) and not m.is_silenced()
    )

    # (The example project's own models carry both mixins: W005 and W004, which it silences.)
    assert found == []


def test_a_host_with_neither_mixin_still_gets_e007(settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "OWNER_MODEL": "auth.Group"}
    ids = [m.id for m in checks.run_checks(tags=["conductor"])]
    assert "conductor_django.E007" in ids


def test_an_http_base_url_is_a_deploy_warning(codat_settings, settings):
    settings.ROOT_URLCONF = "tests.codat_app.urls"
    codat_settings["API_BASE_URL"] = "http://codat.internal"
    with_http = codat_ids(deploy=True)
    assert "conductor_codat.W005" in with_http
    assert "conductor_codat.W005" not in codat_ids(deploy=False)


def test_the_codat_sandbox_deployed_is_a_deploy_warning(settings, codat):
    assert "conductor_django.codat.sandbox" in settings.INSTALLED_APPS
    [found] = [
        m
        for m in checks.run_checks(tags=["codat"], include_deployment_checks=True)
        if m.id == "conductor_codat.W007"
    ]
    assert found.msg.startswith("The Codat sandbox is deployed: conductor_django.codat.sandbox")


DOCS = Path(__file__).parents[2] / "docs" / "codat.md"
PACKAGE = Path(__file__).parents[2] / "conductor_django" / "codat"


def test_every_check_is_in_the_docs_table_and_nothing_else_is():
    source = "".join((PACKAGE / name).read_text() for name in ("checks.py", "deploy_checks.py"))
    made = {
        f"conductor_codat.{'E' if kind == 'error' else 'W'}{int(number):03d}"
        for kind, number in re.findall(r"_(error|warning)\(\s*(\d+)", source)
    }
    rows = re.findall(r"^\| `(conductor_codat\.[EW]\d{3})` \|", DOCS.read_text(), re.M)
    assert len(rows) == len(set(rows))
    assert set(rows) == made
