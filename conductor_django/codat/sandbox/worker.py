"""The background thread that sends webhooks and moves syncs on, with ``WEBHOOK_DELIVERY`` set to
``"background"`` (the default).

One daemon thread per process, started by ``wake()`` (which ``webhooks.enqueue`` registers with
``transaction.on_commit``, so the request that made a change returns at once and the receiver
reads committed state). The thread delivers what is due, then sleeps until the next retry or
sync transition is due, or until woken; it exits when nothing is pending, and is started again by
the next change. Between rounds it closes its database connections, so a test database can be
dropped while it sleeps. Several processes may each run one: deliveries are claimed row by row
(``webhooks._claim``), so none is sent twice at once.
"""

import logging
import threading
from datetime import datetime

from django.db import connections
from django.utils import timezone

from . import config, syncs, webhooks

logger = logging.getLogger(__name__)

# The longest nap: a change in another process (which cannot wake this thread) is seen by then.
MAX_SLEEP_SECONDS = 30.0
MIN_SLEEP_SECONDS = 0.05

_lock = threading.Lock()
_wakeup = threading.Event()
_thread: threading.Thread | None = None


def tick() -> None:
    """One round: move syncs on, send what is due."""
    syncs.advance()
    webhooks.deliver_pending(due_only=True)


def _next_due() -> datetime | None:
    times = [t for t in (webhooks.next_due(), syncs.next_due()) if t is not None]
    return min(times) if times else None


def _run() -> None:
    try:
        _loop()
    except Exception:
        # A sandbox thread must never take the process down; the next change starts another.
        logger.exception("The Codat sandbox's webhook thread stopped")
    finally:
        connections.close_all()


def _loop() -> None:
    global _thread
    while True:
        _wakeup.clear()
        tick()
        due = _next_due()
        connections.close_all()
        if due is None:
            with _lock:
                # A wake() that came after the last round must not be lost.
                if not _wakeup.is_set():
                    _thread = None
                    return
            continue
        # Something due but not sent (claimed elsewhere): look again shortly, never spin.
        delay = max((due - timezone.now()).total_seconds(), MIN_SLEEP_SECONDS)
        _wakeup.wait(timeout=min(delay, MAX_SLEEP_SECONDS))


def wake() -> None:
    """Start the thread, or nudge it to look again now (no-op in ``"manual"`` mode)."""
    global _thread
    if config.delivery_mode() != config.DELIVERY_BACKGROUND:
        return
    with _lock:
        _wakeup.set()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="codat-sandbox-webhooks", daemon=True)
            _thread.start()


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait for the thread to finish its work and exit; True if it did (tests, shutdowns)."""
    with _lock:
        thread = _thread
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()
