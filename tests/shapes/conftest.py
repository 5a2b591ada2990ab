"""Fixtures for the shape-agnostic tests: each run's settings module names its host shape
(``CONDUCTOR_TEST_SHAPE``), and these tests only go through it, ``reverse`` and the app."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.utils.module_loading import import_string

from conductor_django.codat.testing import FakeCodat


@pytest.fixture
def shape(settings):
    return import_string(settings.CONDUCTOR_TEST_SHAPE)()


@pytest.fixture
def codat(settings, fake_conductor):
    """FakeCodat beside FakeConductor (started after it, so both answer). A shape whose settings
    name no Codat key (the example project's test settings) gets the suite's, keeping its own
    choice of creating companies at sign-up."""
    if not (settings.CODAT or {}).get("API_KEY"):
        settings.CODAT = {
            **django_settings.CODAT_TEST_SETTINGS,
            "AUTO_PROVISION": settings.CODAT.get("AUTO_PROVISION", True),
        }
    caches["default"].clear()
    with FakeCodat() as fake:
        yield fake
    caches["default"].clear()


@pytest.fixture
def make_owner(shape, codat, django_capture_on_commit_callbacks):
    """Make an owner as the host's sign-up would, running what its commit enqueues."""

    def make(name="Northwind Traders"):
        with django_capture_on_commit_callbacks(execute=True):
            owner = shape.make_owner(name)
        owner.refresh_from_db()
        return owner

    return make


@pytest.fixture
def owner(make_owner, fake_conductor):
    return make_owner()


@pytest.fixture
def client_for(shape):
    """A browser logged in as a user acting for ``owner``."""

    def login(owner, *, admin=True):
        client = Client()
        client.force_login(shape.make_user(owner, admin=admin))
        return client

    return login
