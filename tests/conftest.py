import os

import pytest

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


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CONDUCTOR_TEST_DB") == "postgres":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with CONDUCTOR_TEST_DB=postgres")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
