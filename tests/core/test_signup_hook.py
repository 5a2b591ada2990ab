"""post_save on a model with the mixin: a task after commit, and sign-up never waits on it."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from conductor_django.models import EndUserClaim
from conductor_django.provisioning import provisioning_disabled
from conductor_django.tasks_compat import task_backends

from .helpers import conductor_settings

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def sign_up(django_user_model, username="dora", **extra):
    return django_user_model.objects.create_user(
        username, f"{username}@example.com", "pw", company_name="Dora's Deli", **extra
    )


def test_create_enqueues_after_commit_and_immediate_backend_creates_end_user(
    fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        user = sign_up(django_user_model)
        # Nothing is sent while the transaction is open.
        assert fake_conductor.calls == []
    assert len(callbacks) == 1

    callbacks[0]()

    user.refresh_from_db()
    assert user.conductor_end_user_id in fake_conductor.end_users
    assert fake_conductor.count("POST", "/end-users") == 1
    assert fake_conductor.end_users[user.conductor_end_user_id]["sourceId"] == str(user.pk)


def test_rolled_back_create_enqueues_nothing(
    fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            sign_up(django_user_model)
            raise RuntimeError("sign-up failed later")

    assert callbacks == []
    assert fake_conductor.calls == []


def test_task_gets_the_primary_key_not_the_object(
    settings, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS

    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(django_user_model)

    (queued,) = task_backends["default"].results
    assert queued.task.name == "provision_end_user"
    assert list(queued.args) == ["accounts.User", user.pk]
    assert fake_conductor.calls == []


def test_configured_task_backend_used(
    settings, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "conductor": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    conductor_settings(settings, TASK_BACKEND="conductor")

    with django_capture_on_commit_callbacks(execute=True):
        sign_up(django_user_model)

    assert len(task_backends["conductor"].results) == 1
    assert fake_conductor.calls == []


def test_update_does_not_enqueue(
    fake_conductor, unprovisioned_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        unprovisioned_user.company_name = "Bob's Bicycles"
        unprovisioned_user.save()

    assert callbacks == []
    assert fake_conductor.calls == []


def test_raw_save_from_loaddata_does_not_enqueue(
    tmp_path, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    fixture = tmp_path / "users.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "accounts.user",
                    "pk": 501,
                    "fields": {"username": "fixture-user", "password": "!", "company_name": "F"},
                }
            ]
        )
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("loaddata", str(fixture), verbosity=0)

    assert callbacks == []
    assert fake_conductor.calls == []
    assert django_user_model.objects.get(pk=501).conductor_end_user_id is None


def test_saves_inside_provisioning_disabled_do_not_enqueue(
    fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with provisioning_disabled():
            sign_up(django_user_model)
        # The block ends: saves after it provision again.
        sign_up(django_user_model, "erin")

    assert len(callbacks) == 1
    assert fake_conductor.count("POST", "/end-users") == 1
    (created,) = fake_conductor.end_users.values()
    assert created["email"] == "erin@example.com"


def test_auto_provision_off_does_not_enqueue(
    settings, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    conductor_settings(settings, AUTO_PROVISION=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sign_up(django_user_model)

    assert callbacks == []
    assert fake_conductor.calls == []


def test_row_created_with_an_id_does_not_enqueue(
    fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sign_up(django_user_model, conductor_end_user_id="end_usr_imported")

    assert callbacks == []
    assert fake_conductor.calls == []


@pytest.mark.parametrize("outage", [503, "network", "html"])
def test_conductor_failure_on_immediate_path_is_logged_and_save_succeeds(
    fake_conductor, django_user_model, django_capture_on_commit_callbacks, caplog, outage
):
    fake_conductor.outage(outage)

    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(django_user_model)

    user.refresh_from_db()
    assert user.conductor_end_user_id is None
    assert fake_conductor.count("POST", "/end-users") == 1
    logged = [r for r in caplog.records if r.name.startswith("conductor_django")]
    # One line an operator can act on, and no traceback: the failure was expected.
    assert [(r.name, r.levelname, r.exc_info) for r in logged] == [
        ("conductor_django.tasks", "WARNING", None)
    ]
    assert f"accounts.User {user.pk}" in logged[0].getMessage()
    assert "Traceback" not in caplog.text
    # The next attempt will look for an end-user this one may have created.
    assert EndUserClaim.objects.get(owner_id=str(user.pk)).may_exist_upstream is True


def test_broken_task_backend_is_logged_and_save_succeeds(
    settings, fake_conductor, django_user_model, django_capture_on_commit_callbacks, caplog
):
    conductor_settings(settings, TASK_BACKEND="missing")

    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(django_user_model)

    assert django_user_model.objects.filter(pk=user.pk).exists()
    assert fake_conductor.calls == []
    (record,) = [r for r in caplog.records if r.name == "conductor_django.tasks"]
    assert record.levelname == "ERROR"
    assert "provision_end_user" in record.getMessage()


def test_sign_up_request_succeeds_while_conductor_is_down(
    client, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    fake_conductor.outage("network")
    form = {
        "username": "frank",
        "email": "frank@example.com",
        "company_name": "Frank's Farm",
        "password1": "a-long-Passw0rd!",
        "password2": "a-long-Passw0rd!",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sign_up"), form)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    user = django_user_model.objects.get(username="frank")
    assert user.conductor_end_user_id is None
    assert fake_conductor.count("POST", "/end-users") == 1


def test_sign_up_request_provisions_end_user(
    client, fake_conductor, django_user_model, django_capture_on_commit_callbacks
):
    form = {
        "username": "gina",
        "email": "gina@example.com",
        "company_name": "Gina's Garage",
        "password1": "a-long-Passw0rd!",
        "password2": "a-long-Passw0rd!",
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("sign_up"), form).status_code == 302

    user = django_user_model.objects.get(username="gina")
    created = fake_conductor.end_users[user.conductor_end_user_id]
    assert (created["companyName"], created["email"]) == ("Gina's Garage", "gina@example.com")
