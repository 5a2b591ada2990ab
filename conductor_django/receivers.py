"""Provision new owner rows after their transaction commits: sign-up never waits on Conductor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from .core import receivers as core
from .models import ConductorEndUserMixin
from .provisioning import provisioning_enabled


def _enqueue_provisioning(label: str, pk: Any) -> None:
    from .tasks import enqueue, provision_end_user

    enqueue(provision_end_user, label, pk)


def owner_saved(
    sender: type[Model],
    instance: ConductorEndUserMixin,
    created: bool,
    raw: bool,
    using: str,
    **kwargs: Any,
) -> None:
    if raw or not created or instance.conductor_end_user_id or not provisioning_enabled():
        return
    core.after_commit(sender, instance, using, _enqueue_provisioning)


def connect(models: Iterable[type[Model]]) -> None:
    core.connect(models, ConductorEndUserMixin, owner_saved, "conductor")
