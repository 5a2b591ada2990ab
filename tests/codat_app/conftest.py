"""Codat's Django app under test: the CODAT settings of a configured host (key, base URL,
companies created at sign-up) and FakeCodat answering beside FakeConductor."""

from collections.abc import Iterator

import pytest

from conductor_django.codat.testing import FakeCodat

REDIRECT = (
    "http://testserver/codat/return/?statusCode={statusCode}&connectionId={connectionId}"
    "&state={state}"
)


@pytest.fixture(autouse=True)
def codat_settings(configured_codat):
    return configured_codat


@pytest.fixture
def codat(codat_settings, fake_conductor) -> Iterator[FakeCodat]:
    """FakeCodat, started after FakeConductor so that both answer (sign-ups call both)."""
    with FakeCodat() as fake:
        fake.redirect_url = REDIRECT
        yield fake


@pytest.fixture
def make_user(django_user_model, django_capture_on_commit_callbacks):
    """A signed-up user: what the sign-up's commit enqueues has run (immediate backend)."""

    def make(username="alice", **fields):
        fields.setdefault("company_name", f"{username.title()}'s Bakery")
        with django_capture_on_commit_callbacks(execute=True):
            user = django_user_model.objects.create_user(
                username, f"{username}@example.com", "pw", **fields
            )
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def owner(codat, make_user):
    """A user whose Codat company the sign-up created."""
    user = make_user()
    assert user.codat_company_id
    return user


def tagged(fake, owner):
    """FakeCodat's companies carrying the owner's tag."""
    value = f"{owner._meta.label_lower}:{owner.pk}"
    return [c for c in fake.companies.values() if c["tags"].get("ownerId") == value]
