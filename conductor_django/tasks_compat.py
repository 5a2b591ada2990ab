"""Django's Tasks framework: ``django.tasks`` on Django 6, the ``django-tasks`` backport before."""

try:
    from django.tasks import task, task_backends
except ImportError:
    from django_tasks import task, task_backends

__all__ = ["task", "task_backends"]
