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
