"""The CONDUCTOR settings dict: read lazily, with environment defaults and clear errors."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from conductor_django.clients import get_client
from conductor_django.conf import app_settings

from .helpers import BASE_URL, SECRET_KEY, conductor_settings

ENV_NAMES = ("CONDUCTOR_SECRET_KEY", "CONDUCTOR_PUBLISHABLE_KEY", "CONDUCTOR_BASE_URL")


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_settings_read_on_every_access():
    assert app_settings.READ_TIMEOUT == 30.0
    with override_settings(CONDUCTOR={"SECRET_KEY": "sk_x", "READ_TIMEOUT": 4}):
        assert app_settings.READ_TIMEOUT == 4
        assert app_settings.SECRET_KEY == "sk_x"
    assert app_settings.READ_TIMEOUT == 30.0
    assert app_settings.SECRET_KEY == SECRET_KEY


def test_documented_defaults(clean_env, settings):
    settings.CONDUCTOR = {}
    assert app_settings.API_BASE_URL == "https://api.conductor.is/v1"
    assert app_settings.CONNECT_TIMEOUT == 5.0
    assert app_settings.HEALTH_CHECK_TIMEOUT == 15.0
    assert app_settings.MAX_RETRIES == 2
    assert app_settings.LINK_EXPIRY_MINUTES == 30
    assert app_settings.EMAIL_LINK_EXPIRY_MINUTES == 1440
    assert app_settings.AUTO_PROVISION is True
    assert app_settings.SUCCESS_URL is None
    assert app_settings.SECRET_KEY is None


def test_keys_and_base_url_default_from_environment(clean_env, settings):
    settings.CONDUCTOR = {}
    clean_env.setenv("CONDUCTOR_SECRET_KEY", "sk_conductor_from_env")
    clean_env.setenv("CONDUCTOR_PUBLISHABLE_KEY", "pk_conductor_from_env")
    clean_env.setenv("CONDUCTOR_BASE_URL", "https://conductor.internal/v1/")

    assert app_settings.require("SECRET_KEY") == "sk_conductor_from_env"
    assert app_settings.require("PUBLISHABLE_KEY") == "pk_conductor_from_env"
    assert app_settings.API_BASE_URL == "https://conductor.internal/v1"
    assert get_client().base_url == "https://conductor.internal/v1"


def test_settings_win_over_environment(clean_env):
    clean_env.setenv("CONDUCTOR_SECRET_KEY", "sk_conductor_from_env")
    clean_env.setenv("CONDUCTOR_BASE_URL", "https://conductor.internal/v1")

    assert app_settings.SECRET_KEY == SECRET_KEY
    assert app_settings.API_BASE_URL == BASE_URL


@pytest.mark.parametrize(
    ("name", "env"),
    [("SECRET_KEY", "CONDUCTOR_SECRET_KEY"), ("PUBLISHABLE_KEY", "CONDUCTOR_PUBLISHABLE_KEY")],
)
def test_missing_key_names_the_setting(clean_env, settings, name, env):
    settings.CONDUCTOR = {}

    with pytest.raises(ImproperlyConfigured) as caught:
        app_settings.require(name)

    assert f'CONDUCTOR["{name}"]' in str(caught.value)
    assert env in str(caught.value)


def test_missing_secret_key_is_a_configuration_error_not_a_key_error(clean_env, settings):
    del settings.CONDUCTOR

    with pytest.raises(ImproperlyConfigured, match=r'CONDUCTOR\["SECRET_KEY"\]'):
        get_client()


def test_conductor_setting_must_be_a_dict(settings):
    settings.CONDUCTOR = "sk_conductor_oops"

    with pytest.raises(ImproperlyConfigured, match="must be a dict"):
        app_settings.SECRET_KEY  # noqa: B018


def test_unknown_setting_is_an_attribute_error():
    with pytest.raises(AttributeError, match="READ_TIMEOUTS"):
        app_settings.READ_TIMEOUTS  # noqa: B018


def test_shared_client_follows_settings(settings):
    first = get_client()
    assert get_client() is first

    conductor_settings(
        settings,
        API_BASE_URL="https://other.conductor.test/v1",
        CONNECT_TIMEOUT=2,
        READ_TIMEOUT=11,
        HEALTH_CHECK_TIMEOUT=9,
        MAX_RETRIES=4,
        MAX_RETRY_WAIT=3,
    )
    changed = get_client()

    assert changed is not first
    assert changed.base_url == "https://other.conductor.test/v1"
    assert (changed.connect_timeout, changed.read_timeout) == (2.0, 11.0)
    assert changed.health_check_timeout == 9.0
    assert changed.max_retries == 4
    assert changed.max_retry_wait == 3.0


def test_settings_timeouts_reach_requests(settings, rsps):
    conductor_settings(settings, CONNECT_TIMEOUT=2, HEALTH_CHECK_TIMEOUT=9)
    rsps.get(f"{BASE_URL}/quickbooks-desktop/health-check", json={"status": "ok", "duration": 1})

    get_client().health_check("end_usr_1")

    assert rsps.calls[0].request.req_kwargs["timeout"] == (2.0, 9.0)


@pytest.mark.parametrize(
    ("minutes", "valid"), [(14, False), (15, True), (10080, True), (10081, False)]
)
def test_link_expiry_within_conductors_bounds(settings, minutes, valid):
    conductor_settings(settings, LINK_EXPIRY_MINUTES=minutes)

    if valid:
        assert app_settings.link_expiry("LINK_EXPIRY_MINUTES") == minutes
    else:
        with pytest.raises(ImproperlyConfigured, match=r'CONDUCTOR\["LINK_EXPIRY_MINUTES"\]'):
            app_settings.link_expiry("LINK_EXPIRY_MINUTES")


def test_dotted_path_that_does_not_import_names_the_setting(settings):
    conductor_settings(settings, EMAIL_GETTER="tests.core.nowhere.email")

    with pytest.raises(ImproperlyConfigured, match=r'CONDUCTOR\["EMAIL_GETTER"\]'):
        app_settings.callable("EMAIL_GETTER", None)
