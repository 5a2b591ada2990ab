"""Users and sessions the benchmarks set up directly in the shared database."""

from django.contrib.auth import get_user_model
from django.test import Client

from conductor_django.provisioning import ensure_end_user, provisioning_disabled
from conductor_django.sandbox import control


def new_user(username):
    with provisioning_disabled():
        return get_user_model().objects.create_user(
            username=username,
            email=f"{username}@example.com",
            password="bench-password",
            company_name=f"{username} Ltd",
        )


def connected_user(username, scenario="connected", delay_seconds=0):
    """A user with an end-user in the sandbox, its QuickBooks connection in ``scenario``."""
    user = new_user(username)
    end_user_id = ensure_end_user(user)
    control.set_scenario(end_user_id, scenario, delay_seconds)
    return user, end_user_id


def session_cookies(user):
    client = Client()
    client.force_login(user)
    return {name: morsel.value for name, morsel in client.cookies.items()}
