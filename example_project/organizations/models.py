"""Organizations whose members share one QuickBooks Desktop connection.

The mixins sit on the organization, not the user: with ``CONDUCTOR["OWNER_MODEL"]`` naming this
model, each organization gets one Conductor end-user (and one Codat company) and every member
sees its status.
"""

from django.conf import settings
from django.db import models

from conductor_django.codat.models import CodatCompanyMixin
from conductor_django.models import ConductorEndUserMixin


class Organization(ConductorEndUserMixin, CodatCompanyMixin, models.Model):
    name = models.CharField(max_length=200)
    # Conductor wants an email for every end-user: the address of whoever handles the books.
    email = models.EmailField()

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    # One organization per user keeps the example simple; a product where users belong to
    # several would resolve the current one from the session instead.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) in {self.organization}"

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN
