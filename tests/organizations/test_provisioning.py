import pytest
from django.core.management import call_command

from example_project.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db


def test_a_new_organization_gets_one_end_user_after_commit(
    organization_owned, fake_conductor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        org = Organization.objects.create(name="Acme Books", email="books@acme.example")
    # Nothing was sent while the transaction was open.
    assert fake_conductor.count("POST", "/end-users") == 0
    for callback in callbacks:
        callback()
    org.refresh_from_db()
    assert org.conductor_end_user_id in fake_conductor.end_users
    sent = fake_conductor.end_users[org.conductor_end_user_id]
    assert (sent["companyName"], sent["email"], sent["sourceId"]) == (
        "Acme Books",
        "books@acme.example",
        str(org.pk),
    )
    assert fake_conductor.count("POST", "/end-users") == 1


def test_saving_an_organization_again_creates_no_second_end_user(
    team, fake_conductor, django_capture_on_commit_callbacks
):
    org, _people = team
    posts = fake_conductor.count("POST", "/end-users")
    with django_capture_on_commit_callbacks(execute=True):
        org.name = "Acme Bookkeeping"
        org.save()
    assert fake_conductor.count("POST", "/end-users") == posts


def test_demo_organization_puts_the_demo_users_in_one_organization(
    django_user_model, fake_conductor
):
    for name in ("alice", "bob"):
        django_user_model.objects.create_user(name, f"{name}@example.com")
    call_command("demo_organization")
    call_command("demo_organization")
    org = Organization.objects.get()
    roles = dict(org.memberships.values_list("user__username", "role"))
    assert roles == {"alice": Membership.Role.ADMIN, "bob": Membership.Role.MEMBER}


def test_members_signing_up_get_no_end_user_of_their_own(team, fake_conductor):
    org, people = team
    # Only the organization's create reached Conductor; its members have the field, unused.
    assert [u["sourceId"] for u in fake_conductor.end_users.values()] == [str(org.pk)]
    for person in people.values():
        person.refresh_from_db()
        assert person.conductor_end_user_id is None
