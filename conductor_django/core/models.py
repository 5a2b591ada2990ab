"""Abstract bases every provider's records share. No concrete model lives in the core: each
provider's app owns its tables and migrations.

Field definitions here are frozen: a change would force a migration on every provider's tables.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerReference(models.Model):
    """Which host row (user or organization) a record belongs to."""

    owner_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("owner type"), related_name="+"
    )
    owner_id = models.CharField(_("owner ID"), max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")

    class Meta:
        abstract = True


class ProvisioningClaim(OwnerReference):
    """A lease on creating one owner's record at a provider, so that concurrent workers create
    it exactly once (``core.provisioning``).

    Deleted once the id is stored. A leftover claim means an attempt failed or its process died
    after the provider may already have created the record: the next attempt looks for it
    before creating another. A provider's concrete claim adds a unique constraint on the owner.
    """

    attempts = models.PositiveIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    may_exist_upstream = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.owner_type_id}:{self.owner_id}"
