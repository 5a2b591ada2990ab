"""Ending a test that talked to the live server cleanly.

A request the app's client gave up on (a timeout, a delayed fault) is still running in a live
server thread when the test ends. On SQLite the live server shares the test's in-memory
connection, so its last statements would run under the test database's flush, and on any
database it would touch rows of the next test. Every fixture that points the app at the live
server ends through ``server_requests_finished``.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from conductor_django import clients

SERVER_THREAD_SUFFIX = "(process_request_thread)"


@contextmanager
def server_requests_finished(timeout: float = 10) -> Iterator[None]:
    before = set(threading.enumerate())
    try:
        yield
    finally:
        # Kept-alive pooled connections hold a server thread each: close every client the test's
        # settings made (a changed timeout makes another) so those threads can end.
        clients.close_all()
        for thread in set(threading.enumerate()) - before:
            if thread.name.endswith(SERVER_THREAD_SUFFIX):
                thread.join(timeout=timeout)
