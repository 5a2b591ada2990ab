import pytest
from django.test import Client

from example_project.organizations.models import Membership, Organization

ORGANIZATION_OWNED = {
    "OWNER_MODEL": "organizations.Organization",
    "OWNER_RESOLVER": "example_project.organizations.owners.organization_of",
    "CAN_MANAGE_CONNECTION": "example_project.organizations.owners.is_organization_admin",
}


@pytest.fixture
def organization_owned(settings):
    """The example project as EXAMPLE_OWNER=organization runs it."""
    settings.CONDUCTOR = {**settings.CONDUCTOR, **ORGANIZATION_OWNED}


def _person(django_user_model, username):
    return django_user_model.objects.create_user(username, f"{username}@example.com", "pw")


@pytest.fixture
def team(organization_owned, django_user_model, fake_conductor, django_capture_on_commit_callbacks):
    """An organization (with its end-user) where Ann is an admin and Max and Mia are members."""
    with django_capture_on_commit_callbacks(execute=True):
        org = Organization.objects.create(name="Acme Books", email="books@acme.example")
        people = {name: _person(django_user_model, name) for name in ("ann", "max", "mia")}
    for name, person in people.items():
        role = Membership.Role.ADMIN if name == "ann" else Membership.Role.MEMBER
        Membership.objects.create(user=person, organization=org, role=role)
    org.refresh_from_db()
    return org, people


def client_for(person):
    client = Client()
    client.force_login(person)
    return client
