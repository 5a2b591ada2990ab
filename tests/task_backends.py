"""Task backends as a host's queue can be: down (a Redis that refuses connections, a full disk:
every enqueue raises, as a real backend's does then), or unable to run a task later."""

from django_tasks.backends.dummy import DummyBackend


class RefusingBackend(DummyBackend):
    def enqueue(self, task, args, kwargs):
        raise ConnectionError("the task queue refused the connection")


class NoDeferBackend(DummyBackend):
    supports_defer = False
