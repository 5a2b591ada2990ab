"""Create each new owner row's Codat company after its transaction commits: sign-up never waits
on Codat (``core.receivers``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from ..core import receivers as core
from .models import CodatCompanyMixin
from .provisioning import provisioning_enabled


def _enqueue_provisioning(label: str, pk: Any) -> None:
    from .tasks import enqueue, provision_company

    enqueue(provision_company, label, pk)


def owner_saved(
    sender: type[Model],
    instance: CodatCompanyMixin,
    created: bool,
    raw: bool,
    using: str,
    **kwargs: Any,
) -> None:
    if raw or not created or instance.codat_company_id or not provisioning_enabled():
        return
    core.after_commit(sender, instance, using, _enqueue_provisioning)


def connect(models: Iterable[type[Model]]) -> None:
    core.connect(models, CodatCompanyMixin, owner_saved, "conductor_codat")
