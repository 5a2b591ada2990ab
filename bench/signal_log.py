"""An app the worker processes of the tests and of the webhook chaos run install when
``CONDUCTOR_WORKER_SIGNAL_LOG`` names a file: each ``connection_status_changed`` becomes a JSON
line there, so the test or the run sees what a host's receiver in each worker heard."""

import json
import os

from django.apps import AppConfig


def _write(sender, **kwargs):
    line = {
        key: kwargs.get(key)
        for key in ("provider", "connection_id", "old_status", "new_status", "user_facing_message")
    }
    with open(os.environ["CONDUCTOR_WORKER_SIGNAL_LOG"], "a") as log:
        log.write(json.dumps(line) + "\n")


class SignalLogConfig(AppConfig):
    name = "bench.signal_log"
    label = "bench_signal_log"

    def ready(self):
        from conductor_django.signals import connection_status_changed

        connection_status_changed.connect(_write, weak=False, dispatch_uid="bench_signal_log")


def read(path):
    try:
        text = open(path).read()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]
