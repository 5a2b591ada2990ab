"""Each system check fires on the mistake it names, and none on a correct configuration."""

import pytest
import responses
from django.conf import settings
from django.core import checks

GOOD = settings.CONDUCTOR
SECRET = GOOD["SECRET_KEY"]
PUBLISHABLE = GOOD["PUBLISHABLE_KEY"]


@pytest.fixture(autouse=True)
def no_key_environment(monkeypatch):
    monkeypatch.delenv("CONDUCTOR_SECRET_KEY", raising=False)
    monkeypatch.delenv("CONDUCTOR_PUBLISHABLE_KEY", raising=False)


def conductor_checks():
    """What ``manage.py check`` shows: the example project silences W005 (both of its models
    carry the mixin, so that EXAMPLE_OWNER can switch between them)."""
    return [m for m in checks.run_checks(tags=["conductor"]) if not m.is_silenced()]


def conductor_check_ids():
    return sorted(message.id for message in conductor_checks())


def without(items, item):
    return [entry for entry in items if entry != item]


def test_good_settings_pass():
    assert conductor_check_ids() == []


@pytest.mark.django_db  # Django 6.1's JSONField check asks the database what it supports
def test_checks_run_with_the_others():
    ids = [message.id for message in checks.run_checks() if not message.is_silenced()]
    assert not [id_ for id_ in ids if id_.startswith("conductor_django.")]


@pytest.mark.parametrize(
    "conductor, expected",
    [
        ("sk_conductor_test", ["conductor_django.E001"]),
        ({**GOOD, "SECRET_KEY": "sk_live_123"}, ["conductor_django.E002"]),
        ({**GOOD, "PUBLISHABLE_KEY": "pub_123"}, ["conductor_django.E003"]),
        ({**GOOD, "SECRET_KEY": PUBLISHABLE}, ["conductor_django.E004"]),
        ({**GOOD, "PUBLISHABLE_KEY": SECRET}, ["conductor_django.E005"]),
        (
            {**GOOD, "SECRET_KEY": PUBLISHABLE, "PUBLISHABLE_KEY": SECRET},
            ["conductor_django.E004", "conductor_django.E005"],
        ),
        ({**GOOD, "OWNER_MODEL": "nope.Nope"}, ["conductor_django.E006"]),
        ({**GOOD, "OWNER_MODEL": "auth.Group"}, ["conductor_django.E007"]),
        ({**GOOD, "EMAIL_LINK_EXPIRY_MINUTES": 10}, ["conductor_django.E008"]),
        ({**GOOD, "LINK_EXPIRY_MINUTES": 7 * 24 * 60 + 1}, ["conductor_django.E008"]),
        ({**GOOD, "COMPANY_NAME_GETTER": "accounts.nowhere.name"}, ["conductor_django.E009"]),
        ({**GOOD, "INLINE_CHECK_WAIT": -1}, ["conductor_django.E015"]),
        ({**GOOD, "INLINE_CHECK_WAIT": 60}, ["conductor_django.E015"]),
        ({**GOOD, "INLINE_CHECK_WAIT": "1"}, ["conductor_django.E015"]),
        ({**GOOD, "INLINE_CHECK_WAIT": float("nan")}, ["conductor_django.E015"]),
        ({**GOOD, "SECRETKEY": SECRET}, ["conductor_django.W001"]),
        ({**GOOD, "SECRET_KEY": None}, ["conductor_django.W002"]),
        ({**GOOD, "PUBLISHABLE_KEY": ""}, ["conductor_django.W003"]),
    ],
)
def test_settings_mistakes(settings, conductor, expected):
    settings.CONDUCTOR = conductor

    assert conductor_check_ids() == expected


def test_a_misspelt_setting_gets_a_suggestion(settings):
    settings.CONDUCTOR = {**GOOD, "SUCESS_URL": "/"}

    [warning] = conductor_checks()
    assert warning.hint == "Did you mean 'SUCCESS_URL'?"


def test_keys_from_the_environment_count(settings, monkeypatch):
    settings.CONDUCTOR = {}
    monkeypatch.setenv("CONDUCTOR_SECRET_KEY", SECRET)
    monkeypatch.setenv("CONDUCTOR_PUBLISHABLE_KEY", "pk_wrong")

    assert conductor_check_ids() == ["conductor_django.E003"]


@pytest.mark.parametrize(
    "app, middleware, expected",
    [
        ("django.contrib.sessions", None, "conductor_django.E010"),
        (None, "django.contrib.sessions.middleware.SessionMiddleware", "conductor_django.E011"),
        ("django.contrib.messages", None, "conductor_django.E012"),
        (None, "django.contrib.messages.middleware.MessageMiddleware", "conductor_django.E013"),
    ],
)
def test_sessions_and_messages_are_required(settings, app, middleware, expected):
    if app:
        settings.INSTALLED_APPS = without(settings.INSTALLED_APPS, app)
    if middleware:
        settings.MIDDLEWARE = without(settings.MIDDLEWARE, middleware)

    assert expected in conductor_check_ids()


def test_a_subclass_of_the_session_middleware_will_do(settings):
    settings.MIDDLEWARE = [
        "tests.checks.middleware.SessionMiddleware"
        if entry.endswith(".SessionMiddleware")
        else entry
        for entry in settings.MIDDLEWARE
    ]

    assert conductor_check_ids() == []


def test_callback_url_not_routed(settings):
    settings.ROOT_URLCONF = "tests.checks.urls_without_conductor"

    assert conductor_check_ids() == ["conductor_django.W004"]


def test_every_message_has_a_hint(settings):
    settings.CONDUCTOR = {"SECRET_KEY": "x", "PUBLISHABLE_KEY": "y", "TYPO": 1}
    settings.ROOT_URLCONF = "tests.checks.urls_without_conductor"

    messages = conductor_checks()

    assert len(messages) == 4
    assert all(message.hint for message in messages)


def test_checks_need_no_database_and_no_network(settings):
    # No test here has database access: pytest-django fails any query with RuntimeError.
    # `responses` with nothing registered fails any HTTP request.
    settings.CONDUCTOR = {**GOOD, "OWNER_MODEL": "auth.Group"}
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        assert conductor_check_ids() == ["conductor_django.E007"]


def w005(settings):
    return [
        (message.id, message.obj._meta.label, message.is_silenced())
        for message in checks.run_checks(tags=["conductor"])
        if message.id == "conductor_django.W005"
    ]


def test_a_mixin_model_that_is_not_the_owner_model_is_reported(settings):
    # The example project carries the mixin on both models and silences W005 for that.
    assert w005(settings) == [("conductor_django.W005", "organizations.Organization", True)]
    settings.CONDUCTOR = {**GOOD, "OWNER_MODEL": "organizations.Organization"}
    settings.SILENCED_SYSTEM_CHECKS = []
    assert w005(settings) == [("conductor_django.W005", "accounts.User", False)]
    [message] = [m for m in conductor_checks() if m.id == "conductor_django.W005"]
    assert "its rows get no Conductor end-user" in message.msg
    assert "SILENCED_SYSTEM_CHECKS" in message.hint


@pytest.mark.parametrize(
    "values, fires",
    [
        ({}, False),
        ({"CREATE_GRACE_SECONDS": 66}, False),
        ({"CREATE_GRACE_SECONDS": 65}, True),
        ({"CREATE_GRACE_SECONDS": 120, "READ_TIMEOUT": 90}, True),
        ({"CREATE_GRACE_SECONDS": "soon"}, True),
    ],
)
def test_create_grace_must_outlast_the_timeouts_and_conductors_processing(settings, values, fires):
    settings.CONDUCTOR = {**GOOD, **values}
    assert ("conductor_django.W006" in conductor_check_ids()) is fires
