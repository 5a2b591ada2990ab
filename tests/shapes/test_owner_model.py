"""OWNER_MODEL decides who gets an end-user: rows of another model that carries the mixin get
none, from any path (the example project carries it on both its users and its organizations)."""

import pytest
from django.core.management import CommandError, call_command

from conductor_django.owners import NotAnOwnerError, is_owner_model
from conductor_django.provisioning import ensure_end_user
from conductor_django.tasks import provision_end_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_row(shape, fake_conductor, django_capture_on_commit_callbacks):
    """A row of the host's other model with the mixin, saved as its own code saves it."""
    with django_capture_on_commit_callbacks(execute=True):
        row = shape.make_non_owner_row()
    if row is None:
        pytest.skip(f"{shape.name} has no other model with the mixin")
    row.refresh_from_db()
    return row


def test_a_row_of_another_mixin_model_gets_no_end_user(other_row, owner, fake_conductor):
    assert not is_owner_model(type(other_row))
    assert other_row.conductor_end_user_id is None
    # The owner's own create is the only one.
    assert fake_conductor.count("POST", "/end-users") == 1
    assert [u["sourceId"] for u in fake_conductor.end_users.values()] == [str(owner.pk)]


def test_ensure_end_user_refuses_it_with_a_clear_error(other_row, fake_conductor):
    with pytest.raises(NotAnOwnerError, match="is not the owner model"):
        ensure_end_user(other_row)
    assert fake_conductor.calls == []


def test_a_task_queued_for_it_does_nothing(other_row, fake_conductor):
    assert provision_end_user.call(other_row._meta.label, other_row.pk) is None
    assert fake_conductor.calls == []


def test_the_sync_refuses_it_as_model(other_row, fake_conductor):
    with pytest.raises(CommandError, match="is not the owner model"):
        call_command("conductor_sync_end_users", "--model", other_row._meta.label)
    assert fake_conductor.count("POST", "/end-users") == 0
