"""Background work, on whatever Django Tasks backend the host runs.

Tasks take primary keys and ids, never objects: a queued argument must survive serialization
and must not be a stale copy of a row by the time a worker runs it.
"""

import logging
import random
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from .client import ConductorError
from .conf import app_settings
from .provisioning import ProvisioningInProgress, ensure_end_user
from .tasks_compat import task, task_backends

logger = logging.getLogger("conductor_django.tasks")


def _backoff(attempt):
    return timedelta(seconds=min(600, 5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2))


def enqueue(task_obj, *args):
    """Enqueue on the configured backend; a broken queue is logged, never raised into a save."""
    try:
        return task_obj.using(backend=app_settings.TASK_BACKEND).enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r", task_obj.name, args)
        return None


def _retry_later(task_obj, attempt, args):
    """Re-enqueue attempt + 1 with backoff where the backend can defer; True if it was."""
    backend = task_backends[app_settings.TASK_BACKEND]
    if attempt >= app_settings.TASK_MAX_ATTEMPTS or not backend.supports_defer:
        return False
    try:
        task_obj.using(
            backend=app_settings.TASK_BACKEND, run_after=timezone.now() + _backoff(attempt)
        ).enqueue(*args, attempt + 1)
    except Exception:
        logger.exception("Could not re-enqueue %s", task_obj.name)
        return False
    return True


@task()
def provision_end_user(model_label, pk, attempt=1):
    """Create the Conductor end-user of one owner row, unless it has one already."""
    model = apps.get_model(model_label)
    owner = model._default_manager.filter(pk=pk).first()
    if owner is None:
        return None
    try:
        return ensure_end_user(owner)
    except ProvisioningInProgress:
        logger.info("End-user of %s %s is being created by another worker", model_label, pk)
        return None
    except ConductorError as exc:
        if exc.is_transient and _retry_later(provision_end_user, attempt, (model_label, pk)):
            logger.warning(
                "Creating the end-user of %s %s failed (%s); retrying later", model_label, pk, exc
            )
            return None
        logger.error(
            "Could not create the Conductor end-user of %s %s: %s. The settings page or "
            "`manage.py conductor_sync_end_users` will create it later.",
            model_label,
            pk,
            exc,
        )
        raise
