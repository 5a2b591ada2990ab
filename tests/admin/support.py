"""Users in each connection state, and driving admin actions through the test client."""

import pytest
from django.contrib import messages as message_levels

from conductor_django.provisioning import provisioning_disabled

USERS_URL = "/admin/accounts/user/"


def run_action(client, action, users, url=USERS_URL, **extra):
    """Select ``users`` on the changelist and run ``action``, following the redirect."""
    data = {"action": action, "_selected_action": [u.pk for u in users], **extra}
    if "post" not in extra:
        data["index"] = 0
    return client.post(url, data, follow=True)


def messages_of(response):
    """(level name, text) of each message shown on the page."""
    names = {v: k for k, v in message_levels.DEFAULT_LEVELS.items()}
    return [(names[m.level], str(m)) for m in response.context["messages"]]


@pytest.fixture
def make_user(django_user_model, fake_conductor, django_capture_on_commit_callbacks):
    """A user as sign-up makes one; with ``scenario`` its end-user is put in that state, with
    ``provisioned=False`` it has no end-user yet."""

    def make(username, scenario=None, provisioned=True, email=None):
        email = f"{username}@example.com" if email is None else email
        fields = {"company_name": f"{username.title()} Ltd"}
        if not provisioned:
            with provisioning_disabled():
                return django_user_model.objects.create_user(username, email, "pw", **fields)
        with django_capture_on_commit_callbacks(execute=True):
            user = django_user_model.objects.create_user(username, email, "pw", **fields)
        user.refresh_from_db()
        if scenario:
            fake_conductor.set_scenario(user, scenario)
        return user

    return make
