"""Provision new owner rows after their transaction commits: sign-up never waits on Conductor."""

from django.db import transaction
from django.db.models.signals import post_save

from .models import ConductorEndUserMixin
from .owners import is_owner_model
from .provisioning import provisioning_enabled


def _enqueue_provisioning(label, pk):
    from .tasks import enqueue, provision_end_user

    enqueue(provision_end_user, label, pk)


def owner_saved(sender, instance, created, raw, using, **kwargs):
    if raw or not created or instance.conductor_end_user_id or not provisioning_enabled():
        return
    # Every model with the mixin is connected (OWNER_MODEL is read lazily, so tests and hosts may
    # change it), but only rows of the owner model get an end-user.
    if not is_owner_model(sender):
        return
    label, pk = sender._meta.label, instance.pk
    # A primitive pk (int, or str for UUIDs) survives any task backend's serialization.
    pk = pk if isinstance(pk, int | str) else str(pk)
    transaction.on_commit(lambda: _enqueue_provisioning(label, pk), using=using)


def connect(models):
    for model in models:
        if issubclass(model, ConductorEndUserMixin) and not model._meta.abstract:
            post_save.connect(
                owner_saved, sender=model, dispatch_uid=f"conductor:{model._meta.label}"
            )
