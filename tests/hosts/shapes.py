"""How each host shape makes the rows this app serves: the owner of a connection, and the
person who logs in to manage it. The shape-agnostic tests in ``tests/shapes`` use only this."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model

PASSWORD = "shape-password-1"
_numbers = itertools.count(1)


class Shape:
    """One host project's way of making owners and the users who act for them."""

    name = "base"
    #: Whether every user of this host may connect and disconnect (no roles).
    everyone_manages = True

    def make_owner(self, name: str) -> Model:
        """A new owner row, saved (its end-user is provisioned after commit)."""
        raise NotImplementedError

    def make_user(self, owner: Model, *, admin: bool = True) -> Model:
        """A user who logs in and resolves to ``owner``; ``admin`` where the host has roles."""
        raise NotImplementedError

    def make_non_owner_row(self) -> Model | None:
        """A new row of a model that carries the mixin but is not the owner model, where the
        host has one (None where it does not)."""
        return None

    def login_fields(self, user: Model) -> dict[str, str]:
        """What the host's log-in form takes for ``user`` (its password is ``PASSWORD``)."""
        model = get_user_model()
        return {"username": getattr(user, model.USERNAME_FIELD), "password": PASSWORD}


class ExampleUsers(Shape):
    """The example project: each user owns a connection; integer keys, username log-in."""

    name = "example-users"

    def make_owner(self, name: str) -> Model:
        number = next(_numbers)
        return get_user_model().objects.create_user(
            f"user{number}", f"user{number}@example.com", PASSWORD, company_name=name
        )

    def make_user(self, owner: Model, *, admin: bool = True) -> Model:
        return owner

    def make_non_owner_row(self) -> Model:
        from example_project.organizations.models import Organization

        number = next(_numbers)
        return Organization.objects.create(name=f"Team {number}", email=f"t{number}@example.com")


class ExampleOrganizations(Shape):
    """The example project with ``OWNER_MODEL`` set to its organizations."""

    name = "example-organizations"
    everyone_manages = False

    def make_owner(self, name: str) -> Model:
        from example_project.organizations.models import Organization

        slug = name.lower().replace(" ", "-").replace("'", "")
        return Organization.objects.create(name=name, email=f"books@{slug}.example")

    def make_user(self, owner: Model, *, admin: bool = True) -> Model:
        from example_project.organizations.models import Membership

        number = next(_numbers)
        user = get_user_model().objects.create_user(
            f"member{number}", f"member{number}@example.com", PASSWORD
        )
        role = Membership.Role.ADMIN if admin else Membership.Role.MEMBER
        Membership.objects.create(user=user, organization=owner, role=role)
        return user

    def make_non_owner_row(self) -> Model:
        # The example's user model carries the mixin too; here it is not the owner model.
        number = next(_numbers)
        return get_user_model().objects.create_user(
            f"member{number}", f"member{number}@example.com", PASSWORD
        )


class UuidEmailUsers(Shape):
    """A host of its own: UUID primary keys, log-in by e-mail, no username at all."""

    name = "uuid-email-users"

    def make_owner(self, name: str, **fields: Any) -> Model:
        number = next(_numbers)
        return get_user_model().objects.create_user(
            f"person{number}@example.com", PASSWORD, full_name=name, **fields
        )

    def make_user(self, owner: Model, *, admin: bool = True) -> Model:
        return owner
