"""A task backend whose queue is down (a Redis that refuses connections, a full disk): every
enqueue raises, as a real backend's does then."""

from django_tasks.backends.dummy import DummyBackend


class RefusingBackend(DummyBackend):
    def enqueue(self, task, args, kwargs):
        raise ConnectionError("the task queue refused the connection")
