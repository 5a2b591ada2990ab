"""Django's Tasks framework: ``django.tasks`` where Django has it (6.0+), else the
``django-tasks`` backport, which the package depends on for Django 5.2.

If neither imports (a broken install, a pruned vendored tree), this module still imports: the
system check ``conductor_django.E014`` reports it with the fix, and provisioning tasks refuse to
enqueue with the same message. The enqueueing code logs that refusal, so a sign-up never fails
on it; owners get their record at the provider when they next open its page.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from django.core.exceptions import ImproperlyConfigured

#: Why no task framework could be imported, or None when one was.
IMPORT_ERROR: ImportError | None = None
FIX = (
    'Install the django-tasks backport ("pip install django-tasks", a dependency of '
    "conductor-django) or upgrade to Django 6.0+, which ships django.tasks."
)


def _unavailable() -> ImproperlyConfigured:
    return ImproperlyConfigured(f"No task framework could be imported ({IMPORT_ERROR}). {FIX}")


class _UnavailableTask:
    """Stands in for a task when no framework imports: callable in-process, never queued."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.name = func.__name__

    def using(self, **options: Any) -> "_UnavailableTask":
        return self

    def enqueue(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise _unavailable()

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


class _UnavailableBackends:
    def __getitem__(self, alias: str) -> NoReturn:
        raise _unavailable()


def _unavailable_task(**options: Any) -> Callable[[Callable[..., Any]], _UnavailableTask]:
    return _UnavailableTask


if TYPE_CHECKING:
    # Checked against the backport: a dependency on every Django, with django.tasks' API, and
    # typed (the django-stubs of Django 5.2 have no django.tasks).
    from django_tasks import task, task_backends
else:
    try:
        from django.tasks import task, task_backends
    except ImportError:
        try:
            from django_tasks import task, task_backends
        except ImportError as exc:
            IMPORT_ERROR = exc
            task, task_backends = _unavailable_task, _UnavailableBackends()

__all__ = ["FIX", "IMPORT_ERROR", "task", "task_backends"]
