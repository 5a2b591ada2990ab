"""Background work on whatever Django Tasks backend the host runs, for every provider.

Tasks take primary keys and ids, never objects: a queued argument must survive serialization
and must not be a stale copy of a row by the time a worker runs it. A task never raises on a
provider's failure (a raising task gets a traceback logged by the backend): it logs one line
and, where the backend can defer, runs again later with backoff.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils import timezone

from ..transport import ProviderError
from .logs import moment, owner_label
from .owners import is_owner_model
from .provisioning import Provisioner, ProvisioningInProgress
from .tasks_compat import task_backends

if TYPE_CHECKING:
    # Checked against the backport, as ``tasks_compat`` is.
    from django_tasks.base import Task

    #: A task of Django's Tasks framework (or of the backport), whatever it takes.
    Enqueueable: TypeAlias = Task[..., Any]
else:
    Enqueueable = Any


def backoff(attempt: int) -> timedelta:
    """5 s × 2^(attempt−1), ±20 % jitter, capped at 10 minutes."""
    return timedelta(seconds=min(600, 5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2))


def runs_inline(backend: str) -> bool:
    """Whether ``backend`` runs tasks inside ``enqueue`` (the immediate backend: no worker)."""
    try:
        found = task_backends[backend]
    except ImproperlyConfigured:
        # No task framework imports (check E014): no worker either.
        return True
    return type(found).__name__ == "ImmediateBackend"


def enqueue(task_obj: Enqueueable, backend: str, logger: logging.Logger, *args: Any) -> Any:
    """Enqueue on ``backend``; a broken queue is logged, never raised into a save."""
    try:
        return task_obj.using(backend=backend).enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r.", task_obj.name, args)
        return None


def retry_later(
    task_obj: Enqueueable,
    attempt: int,
    args: tuple[Any, ...],
    run_after: datetime,
    *,
    backend: str,
    max_attempts: int,
    logger: logging.Logger,
) -> str | None:
    """Re-enqueue attempt + 1 to run after ``run_after`` where the backend can defer. None when
    it was; else why not, as the end of a log sentence."""
    if attempt >= max_attempts:
        return f"the task gives up after {attempt} attempts"
    if not task_backends[backend].supports_defer:
        return f"the {backend!r} task backend cannot run it later"
    try:
        task_obj.using(backend=backend, run_after=run_after).enqueue(*args, attempt + 1)
    except Exception:
        logger.exception("Could not re-enqueue %s.", task_obj.name)
        return "the task could not be queued again"
    return None


@dataclass(frozen=True)
class ProvisioningTask:
    """How one provider's provisioning task runs: the lease's ``provisioner``, its ``ensure``,
    where it queues and how often it tries, and what to tell an operator when it gives up
    (``recovery``, the end of a sentence)."""

    provisioner: Provisioner[Any]
    ensure: Callable[[Model], str]
    backend: Callable[[], str]
    max_attempts: Callable[[], int]
    recovery: str
    #: ``"an end-user"``: what an owner of another model does not get, in the log line.
    record_phrase: str
    logger: logging.Logger

    def run(self, task_obj: Enqueueable, model_label: str, pk: Any, attempt: int) -> str | None:
        """The task's body: create the record of one owner row, unless it has one already."""
        model: type[Model] = apps.get_model(model_label)
        owner = model._default_manager.filter(pk=pk).first()
        if owner is None:
            return None
        if not is_owner_model(model):
            # Queued before CONDUCTOR["OWNER_MODEL"] changed: such rows get nothing.
            self.logger.info(
                "Not creating %s for %s: it is not the owner model.",
                self.record_phrase,
                model_label,
            )
            return None
        args = (model_label, pk)
        try:
            return self.ensure(owner)
        except ImproperlyConfigured as exc:
            # A key not set yet (check W002 / conductor_codat.W001 says so at start-up): one
            # line, not a traceback per sign-up; retrying cannot help until it is set.
            self.logger.warning(
                "Not creating the %s %s of %s: %s Once it is set, %s.",
                self.provisioner.provider,
                self.provisioner.resource,
                owner_label(owner),
                exc,
                self.recovery,
            )
            return None
        except ProvisioningInProgress as exc:
            self._held(task_obj, exc, attempt, args)
            return None
        except ProviderError as exc:
            if not isinstance(exc, self.provisioner.error_class):
                raise
            self._failed(task_obj, owner, exc, attempt, args)
            return None

    def _retry(
        self, task_obj: Enqueueable, attempt: int, args: tuple[Any, ...], run_after: datetime
    ) -> str | None:
        return retry_later(
            task_obj,
            attempt,
            args,
            run_after,
            backend=self.backend(),
            max_attempts=self.max_attempts(),
            logger=self.logger,
        )

    def _held(
        self,
        task_obj: Enqueueable,
        exc: ProvisioningInProgress,
        attempt: int,
        args: tuple[Any, ...],
    ) -> None:
        # Another worker may fail, and a held create may never have happened: look again rather
        # than drop the work. After a hold, once it is over; behind a worker in flight, after the
        # usual backoff (its lease is only the longest it may take, not how long it will).
        now = timezone.now()
        until = max(exc.retry_at or now, now)
        run_after = until if exc.held else min(until, now + backoff(attempt))
        run_after += timedelta(seconds=1)
        why_not = self._retry(task_obj, attempt, args, run_after)
        if why_not is None:
            self.logger.info("%s The task runs again at %s.", exc, moment(run_after))
        elif exc.held:
            self.logger.warning("%s Not retried: %s; %s.", exc, why_not, self.recovery)
        else:
            self.logger.info("%s", exc)

    def _failed(
        self,
        task_obj: Enqueueable,
        owner: Model,
        exc: ProviderError,
        attempt: int,
        args: tuple[Any, ...],
    ) -> None:
        provider = self.provisioner.provider
        summary = self.provisioner.failure_summary(owner, exc)
        if not exc.is_transient:
            self.logger.warning(
                "%s %s refused the request, so the task does not retry it; once the cause is "
                "fixed, %s.",
                summary,
                provider,
                self.recovery,
            )
            return
        now = timezone.now()
        run_after = max(self.provisioner.next_attempt_at(owner) or now, now) + backoff(attempt)
        why_not = self._retry(task_obj, attempt, args, run_after)
        if why_not is None:
            self.logger.warning(
                "%s The task runs again at %s (attempt %s of %s).",
                summary,
                moment(run_after),
                attempt,
                self.max_attempts(),
            )
        else:
            self.logger.warning("%s Not retried: %s; %s.", summary, why_not, self.recovery)
