"""Start and stop the benchmark server: gunicorn, one process, many threads, on 127.0.0.1."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# 50 stampeding requests plus the sandbox's own health check must all be in flight at once.
THREADS = 64


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port, env, log_path, threads=THREADS):
        self.port = port
        self.threads = threads
        self.env = env
        self.log_path = log_path
        self.process = None
        self.url = f"http://127.0.0.1:{port}"

    def command(self):
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "example_project.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "30",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]

    def __enter__(self):
        log = open(self.log_path, "ab")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}")
            try:
                requests.get(self.url + "/bench/floor/", timeout=5, allow_redirects=False)
                return self
            # Up but still importing (a loaded machine): its first answer may take seconds.
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within 30 s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def redis_url():
    """The Redis database the benchmark's processes share as their cache."""
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get(
        "CONDUCTOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"
    )


def reset_postgres_database(name, *, create=True):
    """Drop the PostgreSQL database ``name`` (closing its sessions), then create it anew unless
    ``create`` is false."""
    import psycopg

    with psycopg.connect(
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "postgres"),
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
