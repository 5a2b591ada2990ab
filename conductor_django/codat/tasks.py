"""Codat's background work, on whatever Django Tasks backend the host runs (``core.tasks``):
the company of a new owner row is created after the sign-up's commit, with deferred retries."""

from __future__ import annotations

import logging
from typing import Any

from ..core import tasks as core
from ..core.tasks import Enqueueable
from ..core.tasks_compat import task
from .conf import codat_settings
from .provisioning import PROVISIONER, ensure_company

__all__ = [
    "RECOVERY",
    "enqueue",
    "provision_company",
    "refresh_all_connections",
    "refresh_owner_connections",
]

logger = logging.getLogger("conductor_django.codat.tasks")

RECOVERY = (
    "`manage.py codat_sync_companies` creates it, and so does the owner's connections page "
    "when next opened"
)


def enqueue(task_obj: Enqueueable, *args: Any) -> Any:
    """Enqueue on ``CODAT["TASK_BACKEND"]``; a broken queue is logged, never raised into a save."""
    return core.enqueue(task_obj, codat_settings.TASK_BACKEND, logger, *args)


PROVISIONING = core.ProvisioningTask(
    provisioner=PROVISIONER,
    ensure=ensure_company,
    backend=lambda: str(codat_settings.TASK_BACKEND),
    max_attempts=lambda: int(codat_settings.TASK_MAX_ATTEMPTS),
    recovery=RECOVERY,
    record_phrase="a Codat company",
    logger=logger,
)


@task()
def provision_company(model_label: str, pk: Any, attempt: int = 1) -> str | None:
    """Create the Codat company of one owner row, unless it has one already."""
    return PROVISIONING.run(provision_company, model_label, pk, attempt)


@task()
def refresh_owner_connections(model_label: str, pk: Any) -> int | None:
    """Refresh one owner's connections from Codat (the API's ``refresh/``); the outcome lands
    in the records, and a failure is logged by the service, never raised."""
    from django.apps import apps

    from .bulk import refresh_owner

    owner = apps.get_model(model_label)._default_manager.filter(pk=pk).first()
    if owner is None:
        return None
    outcome, detail = refresh_owner(owner)
    return len(detail) if outcome == "refreshed" else None


@task()
def refresh_all_connections(concurrency: int = 4) -> dict[str, int]:
    """Refresh every owner's connections from Codat, as ``manage.py codat_refresh_connections``
    does (``concurrency`` owners at once): for hosts without webhooks, run it periodically from
    the task system's scheduler. Returns the counts by outcome (refreshed, in_progress,
    failed)."""
    from ..core.owners import owner_model
    from .bulk import refresh_owners

    owners = owner_model()._default_manager.all()
    return dict(refresh_owners(owners, concurrency=concurrency))
