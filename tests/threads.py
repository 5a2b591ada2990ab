"""Races on a shared database: the same work in many threads of this process at once."""

import threading

from django.db import connections


def all_at_once(count, work):
    """Run ``work()`` in ``count`` threads released together; returns results and errors. Each
    thread closes its database connections, so the test database can be torn down."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(30)
            results.append(work())
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
