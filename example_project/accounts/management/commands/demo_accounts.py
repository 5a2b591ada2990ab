from django.core.management.base import BaseCommand

from conductor_django.provisioning import provisioning_disabled
from example_project.accounts.models import User

ACCOUNTS = [
    ("admin", "admin@example.com", "Ledgerly Support", True),
    ("alice", "alice@example.com", "Alice's Bakery", False),
    ("bob", "bob@example.com", "Bob's Bikes", False),
]
PASSWORD = "demo-password"


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print how to log in."

    def handle(self, *args, **options):
        # The server is not up yet, so their end-users are created when each first opens the
        # QuickBooks page: the lazy path a host takes for users who predate the app.
        with provisioning_disabled():
            for username, email, company, staff in ACCOUNTS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "email": email,
                        "company_name": company,
                        "is_staff": staff,
                        "is_superuser": staff,
                    },
                )
                if created:
                    user.set_password(PASSWORD)
                    user.save()
        self.stdout.write(f"Demo accounts (password: {PASSWORD}):")
        for username, _email, company, staff in ACCOUNTS:
            self.stdout.write(f"  {username:<6} {company}{'  (admin site)' if staff else ''}")
