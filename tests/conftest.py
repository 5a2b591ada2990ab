import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

pytest_plugins = ["conductor_django.testing.fixtures"]


@pytest.fixture
def user(django_user_model, fake_conductor, django_capture_on_commit_callbacks):
    """A signed-up user whose end-user the app created through the fake Conductor."""
    with django_capture_on_commit_callbacks(execute=True):
        user = django_user_model.objects.create_user(
            "alice", "alice@example.com", "pw", company_name="Alice's Bakery"
        )
    user.refresh_from_db()
    return user


@pytest.fixture
def configured_codat(settings):
    """A configured Codat host (key, base URL, webhook secret, companies created at sign-up).
    The platform list and the refresh markers live in the cache: each test starts cold."""
    settings.CODAT = {**django_settings.CODAT_TEST_SETTINGS, "AUTO_PROVISION": True}
    caches["default"].clear()
    yield settings.CODAT
    caches["default"].clear()


@pytest.fixture(autouse=True)
def idle_webhook_waker():
    """Each test's database starts empty, so a wake queued during the last test is gone: the
    first Codat event stored in this one must queue its own."""
    from django.apps import apps

    if apps.is_installed("conductor_django.codat"):
        from conductor_django.codat.webhooks.tasks import WAKER

        WAKER.reset()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CONDUCTOR_TEST_DB") == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with CONDUCTOR_TEST_DB=postgres")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
