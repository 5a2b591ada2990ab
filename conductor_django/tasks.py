"""Background work, on whatever Django Tasks backend the host runs.

Tasks take primary keys and ids, never objects: a queued argument must survive serialization
and must not be a stale copy of a row by the time a worker runs it. A task never raises on a
failure of Conductor's (a raising task gets a traceback logged by the backend): it logs one line
and, where the backend can defer, runs again later (``core.tasks``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps

from .conf import app_settings
from .core import tasks as core
from .core.tasks import Enqueueable
from .core.tasks_compat import task
from .provisioning import PROVISIONER, ensure_end_user

__all__ = ["RECOVERY", "check_connection", "enqueue", "provision_end_user"]

logger = logging.getLogger("conductor_django.tasks")

RECOVERY = (
    "`manage.py conductor_sync_end_users` creates it, and so does the owner's settings page "
    "when next opened"
)


def enqueue(task_obj: Enqueueable, *args: Any) -> Any:
    """Enqueue on the configured backend; a broken queue is logged, never raised into a save."""
    return core.enqueue(task_obj, app_settings.TASK_BACKEND, logger, *args)


PROVISIONING = core.ProvisioningTask(
    provisioner=PROVISIONER,
    ensure=ensure_end_user,
    backend=lambda: str(app_settings.TASK_BACKEND),
    max_attempts=lambda: int(app_settings.TASK_MAX_ATTEMPTS),
    recovery=RECOVERY,
    record_phrase="an end-user",
    logger=logger,
)


@task()
def provision_end_user(model_label: str, pk: Any, attempt: int = 1) -> str | None:
    """Create the Conductor end-user of one owner row, unless it has one already."""
    return PROVISIONING.run(provision_end_user, model_label, pk, attempt)


@task()
def check_connection(model_label: str, pk: Any) -> str | None:
    """Run the QuickBooks Desktop health check of one owner row and record its answer (or, for
    its page, its failure); the state the page now shows, or None when the row is gone."""
    from .checking import run_check

    model = apps.get_model(model_label)
    owner = model._default_manager.filter(pk=pk).first()
    if owner is None:
        return None
    return run_check(owner)
