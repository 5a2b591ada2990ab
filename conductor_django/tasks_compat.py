"""Django's Tasks framework, as every provider's tasks import it: see ``core.tasks_compat``."""

from .core.tasks_compat import FIX, IMPORT_ERROR, task, task_backends

__all__ = ["FIX", "IMPORT_ERROR", "task", "task_backends"]
