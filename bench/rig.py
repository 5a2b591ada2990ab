"""The health-check rig: the host's web server as the issue describes it (gunicorn gthread,
1 worker process × 8 threads), the sandbox on a server of its own (so that its slow health
checks, which sleep in a thread of whatever serves them, take none of the host's threads), task
workers (``db_worker`` processes) that run the checks, and Redis as the cache they all share.

Used by the stampede (5), the settings page under slow QuickBooks (6) and the other pages while
checks run (7).
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import redis
import requests

from conductor_django.sandbox import control

from .server import ROOT, Server, free_port, redis_url
from .users import connected_user, session_cookies

HOST_THREADS = 8
SANDBOX_THREADS = 96
#: Longer than the slowest check measured (20 s); Conductor itself allows 60 s.
HEALTH_CHECK_TIMEOUT = 30


class Rig:
    def __init__(self, ctx):
        self.ctx = ctx
        self.sandbox_port = free_port()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **ctx.env,
            "BENCH_CACHE_URL": redis_url(),
            "BENCH_API_BASE_URL": f"http://127.0.0.1:{self.sandbox_port}/sandbox/v1",
            "BENCH_HEALTH_CHECK_TIMEOUT": str(HEALTH_CHECK_TIMEOUT),
        }
        self._servers = []
        self._workers = []

    def __enter__(self):
        redis.Redis.from_url(redis_url()).flushdb()
        self.purge_queue()
        sandbox = Server(
            self.sandbox_port,
            {**self.env, "BENCH_PORT": str(self.sandbox_port)},
            self.ctx.workdir / "rig-sandbox.log",
            threads=SANDBOX_THREADS,
        )
        host = Server(self.port, self.env, self.ctx.workdir / "rig-host.log", threads=HOST_THREADS)
        for server in (sandbox, host):
            server.__enter__()
            self._servers.append(server)
        return self

    def __exit__(self, *exc):
        self.stop_workers()
        for server in reversed(self._servers):
            server.__exit__()
        self.purge_queue()
        if exc[0] is not None:
            for name in ("rig-workers.log", "rig-host.log", "rig-sandbox.log"):
                path = self.ctx.workdir / name
                if path.exists():
                    tail = path.read_text(errors="replace")[-3000:]
                    print(f"[bench] {name}:\n{tail}", file=sys.stderr)

    @contextmanager
    def workers(self, count):
        """``count`` task worker processes, for the duration of the block."""
        log = open(self.ctx.workdir / "rig-workers.log", "ab")  # noqa: SIM115
        try:
            for index in range(count):
                self._workers.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "django",
                            "db_worker",
                            "--interval",
                            "0.1",
                            "--no-startup-delay",
                            "--no-reload",
                            "--queue-name",
                            "*",
                            "--worker-id",
                            f"bench-{os.getpid()}-{index}",
                        ],
                        cwd=ROOT,
                        env=self.env,
                        stdout=log,
                        stderr=log,
                        start_new_session=True,
                    )
                )
            time.sleep(1.0)  # their start-up (Django's import) before anything is measured
            yield
        finally:
            self.stop_workers()
            log.close()

    def stop_workers(self):
        while self._workers:
            process = self._workers.pop()
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    @staticmethod
    def purge_queue():
        """Drop checks still queued: a later measurement must not wait behind them."""
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()

    def user(self, name, latency):
        """A logged-in user whose health check takes ``latency`` seconds; (cookies, end-user)."""
        if latency:
            user, end_user_id = connected_user(name, "slow", latency)
        else:
            user, end_user_id = connected_user(name)
        return session_cookies(user), end_user_id

    def open_settings(self, session, path="/quickbooks/"):
        """GET the settings page; (response, its status URL or None when it answered)."""
        response = session.get(self.url + path, allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        marker = 'data-conductor-status-url="'
        if marker not in response.text:
            return response, None
        status = response.text.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")
        return response, status

    def follow(self, session, status_url, timeout=60):
        """Poll as the page's script does (0.25 s, ×1.5, up to 0.5 s) until the check is over;
        (final body, polls)."""
        delay, polls = 0.25, 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(delay)
            delay = min(0.5, delay * 1.5)
            polls += 1
            body = session.get(self.url + status_url).json()
            if body["final"]:
                return body, polls
        raise RuntimeError(f"{status_url}: no answer within {timeout} s")

    @staticmethod
    def checks(end_user_id):
        return control.request_count("GET", "/quickbooks-desktop/health-check", end_user_id)

    @staticmethod
    def session(cookies):
        session = requests.Session()
        session.cookies.update(cookies)
        return session
