"""Background work, on whatever Django Tasks backend the host runs.

Tasks take primary keys and ids, never objects: a queued argument must survive serialization
and must not be a stale copy of a row by the time a worker runs it. A task never raises on a
failure of Conductor's (a raising task gets a traceback logged by the backend): it logs one line
and, where the backend can defer, runs again later.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.apps import apps
from django.utils import timezone

from .client import ConductorError
from .conf import app_settings
from .logs import moment
from .owners import is_owner_model
from .provisioning import (
    ProvisioningInProgress,
    ensure_end_user,
    failure_summary,
    next_attempt_at,
)
from .tasks_compat import task, task_backends

logger = logging.getLogger("conductor_django.tasks")

RECOVERY = (
    "`manage.py conductor_sync_end_users` creates it, and so does the owner's settings page "
    "when next opened"
)


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(600, 5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2))


def enqueue(task_obj, *args):
    """Enqueue on the configured backend; a broken queue is logged, never raised into a save."""
    try:
        return task_obj.using(backend=app_settings.TASK_BACKEND).enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r.", task_obj.name, args)
        return None


def _retry_later(task_obj, attempt: int, args: tuple, run_after: datetime) -> str | None:
    """Re-enqueue attempt + 1 to run after ``run_after`` where the backend can defer. None when
    it was; else why not, as the end of a log sentence."""
    alias = app_settings.TASK_BACKEND
    if attempt >= app_settings.TASK_MAX_ATTEMPTS:
        return f"the task gives up after {attempt} attempts"
    if not task_backends[alias].supports_defer:
        return f"the {alias!r} task backend cannot run it later"
    try:
        task_obj.using(backend=alias, run_after=run_after).enqueue(*args, attempt + 1)
    except Exception:
        logger.exception("Could not re-enqueue %s.", task_obj.name)
        return "the task could not be queued again"
    return None


def _attempts(attempt: int) -> str:
    return f"attempt {attempt} of {app_settings.TASK_MAX_ATTEMPTS}"


@task()
def provision_end_user(model_label, pk, attempt=1):
    """Create the Conductor end-user of one owner row, unless it has one already."""
    model = apps.get_model(model_label)
    owner = model._default_manager.filter(pk=pk).first()
    if owner is None:
        return None
    if not is_owner_model(model):
        # Queued before CONDUCTOR["OWNER_MODEL"] changed: such rows get no end-user.
        logger.info("Not creating an end-user for %s: it is not the owner model.", model_label)
        return None
    args = (model_label, pk)
    try:
        return ensure_end_user(owner)
    except ProvisioningInProgress as exc:
        # Another worker may fail, and a held create may never have happened: look again rather
        # than drop the work. After a hold, once it is over; behind a worker in flight, after the
        # usual backoff (its lease is only the longest it may take, not how long it will).
        now = timezone.now()
        until = max(exc.retry_at or now, now)
        run_after = until if exc.held else min(until, now + _backoff(attempt))
        run_after += timedelta(seconds=1)
        why_not = _retry_later(provision_end_user, attempt, args, run_after)
        if why_not is None:
            logger.info("%s The task runs again at %s.", exc, moment(run_after))
        elif exc.held:
            logger.warning("%s Not retried: %s; %s.", exc, why_not, RECOVERY)
        else:
            logger.info("%s", exc)
        return None
    except ConductorError as exc:
        summary = failure_summary(owner, exc)
        if not exc.is_transient:
            logger.warning(
                "%s Conductor refused the request, so the task does not retry it; once the "
                "cause is fixed, %s.",
                summary,
                RECOVERY,
            )
            return None
        run_after = max(next_attempt_at(owner) or timezone.now(), timezone.now())
        run_after += _backoff(attempt)
        why_not = _retry_later(provision_end_user, attempt, args, run_after)
        if why_not is None:
            logger.warning(
                "%s The task runs again at %s (%s).", summary, moment(run_after), _attempts(attempt)
            )
        else:
            logger.warning("%s Not retried: %s; %s.", summary, why_not, RECOVERY)
        return None
