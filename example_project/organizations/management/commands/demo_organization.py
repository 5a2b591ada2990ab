from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conductor_django.provisioning import provisioning_disabled
from example_project.organizations.models import Membership, Organization

NAME = "Alice & Bob's Bakery"
MEMBERS = [("alice", Membership.Role.ADMIN), ("bob", Membership.Role.MEMBER)]


class Command(BaseCommand):
    help = (
        "Put the demo users alice (admin) and bob (member) in one organization (idempotent). "
        "Run demo_accounts first, and start the server with EXAMPLE_OWNER=organization."
    )

    def handle(self, *args, **options):
        users = get_user_model().objects.in_bulk(
            [username for username, _role in MEMBERS], field_name="username"
        )
        if len(users) < len(MEMBERS):
            raise CommandError("Create the demo users first: python manage.py demo_accounts")
        # As with the demo users, the end-user is created when an admin first opens the page.
        with provisioning_disabled():
            organization, _created = Organization.objects.get_or_create(
                name=NAME, defaults={"email": users["alice"].email}
            )
        for username, role in MEMBERS:
            Membership.objects.update_or_create(
                user=users[username], defaults={"organization": organization, "role": role}
            )
        self.stdout.write(f"{NAME}: alice (admin) and bob (member) share its QuickBooks.")
