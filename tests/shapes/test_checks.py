"""Each host shape passes the system checks: ``check`` with no conductor_django message at all,
and ``check --deploy`` with none but what its setup implies (these test settings deploy the
sandbox, W007), and with none once the sandbox is out of its production settings."""

import pytest
from django.core import checks
from django.core.management import call_command

pytestmark = pytest.mark.django_db  # Django 6.1's JSONField check asks the database
SANDBOX_APP = "conductor_django.sandbox"


def conductor_ids(deploy):
    # What `manage.py check` shows: silenced ids (the example project's W005) are left out.
    found = checks.run_checks(include_deployment_checks=deploy)
    return sorted(
        m.id for m in found if m.id.startswith("conductor_django.") and not m.is_silenced()
    )


@pytest.fixture(autouse=True)
def no_environment_keys(monkeypatch):
    for name in ("CONDUCTOR_SECRET_KEY", "CONDUCTOR_PUBLISHABLE_KEY", "CONDUCTOR_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def production(settings):
    """The shape's settings as production would have them: no sandbox, DEBUG off."""
    settings.CONDUCTOR_TEST_SOURCE_URLCONF = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = "tests.shapes.production_urls"
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != SANDBOX_APP]
    del settings.CONDUCTOR_SANDBOX
    settings.DEBUG = False


def test_check_says_nothing():
    assert conductor_ids(deploy=False) == []


def test_check_deploy_warns_only_that_the_sandbox_is_deployed(settings):
    assert SANDBOX_APP in settings.INSTALLED_APPS
    assert conductor_ids(deploy=True) == ["conductor_django.W007"]


def test_check_deploy_says_nothing_in_production_settings(production):
    assert conductor_ids(deploy=False) == []
    assert conductor_ids(deploy=True) == []


def test_the_command_passes(production, capsys):
    call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "conductor")
    assert "no issues" in capsys.readouterr().out
