"""Fixtures for the shape-agnostic tests: each run's settings module names its host shape
(``CONDUCTOR_TEST_SHAPE``), and these tests only go through it, ``reverse`` and the app."""

import pytest
from django.test import Client
from django.utils.module_loading import import_string


@pytest.fixture
def shape(settings):
    return import_string(settings.CONDUCTOR_TEST_SHAPE)()


@pytest.fixture
def make_owner(shape, django_capture_on_commit_callbacks):
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
