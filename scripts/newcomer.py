"""The newcomer's path, as CI proves it (``make newcomer``): the README's quickstart, taken from
README.md itself, applied to a fresh ``django-admin startproject`` on the BUILT wheel (not
editable, no extras), on every Python × Django pair the package supports.

1. Build the sdist and the wheel, ``twine check --strict`` them, check both file lists
   (``distributions.py``).
2. On each leg, in a temporary folder with a fresh virtualenv: run the README's quickstart
   blocks in order (``readme_blocks.py``): its shell lines as typed, its files written or
   appended. Three lines are adapted, as a script must: ``pip install conductor-django``
   installs the built wheel (with the leg's Django series as a constraint, not an extra);
   ``createsuperuser`` runs with ``--noinput`` and its environment variables; ``runserver``
   starts in the background on a free port (``CONDUCTOR_BASE_URL`` points the sandbox block
   at it).
3. ``manage.py check`` must say nothing about the app; ``check --deploy`` with deploy-like
   settings (``DEBUG = False``, Django's security settings, keys from the environment) must
   say nothing the README does not explain, and the README promises it says nothing at all.
4. With the server up: the README's later blocks (``conductor_sync_end_users``), then the
   walk: log in, settings page, the sandbox's hosted flow, "Connected". Over HTTP on every
   leg; in Debian's chromium on the first, which also keeps a screenshot of each page state
   (``--screenshots docs/images`` refreshes the documentation's).

    python scripts/newcomer.py                      # every leg
    python scripts/newcomer.py --legs 3.11          # only the first
"""

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import distributions  # noqa: E402
import newcomer_walks  # noqa: E402
import readme_blocks  # noqa: E402

USERNAME, PASSWORD = "newcomer", "a-long-newcomer-passphrase"
ARTIFACTS = ROOT / "test-artifacts" / "newcomer"


@dataclass(frozen=True)
class Leg:
    python: str
    django: str | None  # a series to constrain to; None: what a plain install picks
    expect: str  # the Django series that must end up installed
    browser: bool = False

    @property
    def name(self) -> str:
        return f"python{self.python}-django{self.expect}"


LEGS = [
    # The first: a plain install on CI's default Python, which resolves to Django 5.2 there.
    Leg("3.11", None, "5.2", browser=True),
    Leg("3.12", "5.2", "5.2"),
    Leg("3.13", "5.2", "5.2"),
    Leg("3.12", "6.0", "6.0"),
    Leg("3.13", "6.1", "6.1"),
]


def interpreter(version: str) -> str:
    """python3.X on PATH if it runs (a pyenv shim may not), else pyenv's own build."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(map(str, pyenv.glob(f"{version}.*/bin/python{version}")), reverse=True)
    for candidate in filter(None, candidates):
        # The interpreter itself, not a pyenv shim, which would re-resolve on every start.
        found = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True
        )
        if found.returncode == 0:
            return found.stdout.strip()
    raise SystemExit(f"no Python {version} found (PATH or {pyenv})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Project:
    """One leg's project folder, virtualenv and server, driven as a person at a shell would."""

    def __init__(self, leg: Leg, folder: Path, wheel: Path):
        self.leg, self.folder, self.wheel = leg, folder, wheel
        self.venv = folder / ".venv"
        self.started = time.monotonic()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "VIRTUAL_ENV": str(self.venv),
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "CONDUCTOR_BASE_URL": f"{self.base}/sandbox/v1",
            "DJANGO_SUPERUSER_USERNAME": USERNAME,
            "DJANGO_SUPERUSER_EMAIL": f"{USERNAME}@example.com",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        for name in ("PYENV_VERSION", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
            self.env.pop(name, None)
        self.log = (ARTIFACTS / f"{leg.name}.log").open("w")

    def run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        self.log.write(f"[{time.monotonic() - self.started:.1f} s] $ {shlex.join(args)}\n")
        self.log.flush()
        completed = subprocess.run(
            args, cwd=self.folder, env=self.env, text=True, capture_output=True, **kwargs
        )
        self.log.write(completed.stdout + completed.stderr)
        if completed.returncode:
            raise SystemExit(
                f"[{self.leg.name}] {shlex.join(args)} exited {completed.returncode}:\n"
                f"{completed.stdout}{completed.stderr}"
            )
        return completed

    def create_venv(self) -> None:
        # virtualenv (nox's, in CI's .venv) seeds pip from its cache: a second, where
        # `python -m venv` spends seven running ensurepip. The result is the same virtualenv.
        python = interpreter(self.leg.python)
        self.run([sys.executable, "-m", "virtualenv", "--quiet", "-p", python, str(self.venv)])

    def command(self, line: str) -> None:
        """One line of a README run block, adapted only where a script must."""
        args = shlex.split(line, comments=True)
        if args[:4] == ["python", "-m", "pip", "install"] and "conductor-django" in args[4:]:
            django = [f"Django~={self.leg.django}.0"] if self.leg.django else []
            # --no-compile: the first import writes the .pyc files of the modules used, fewer.
            args = [*args[:4], "--quiet", "--no-compile", str(self.wheel), *django]
        elif "createsuperuser" in args:
            args = [*args, "--noinput"]
        elif "runserver" in args:
            return self.start_server(args)
        self.run(args)

    def start_server(self, args: list[str]) -> None:
        # --noreload: one process, so stopping it stops the server.
        args = [*args, f"127.0.0.1:{self.port}", "--noreload"]
        self.log.write(f"$ {shlex.join(args)} &\n")
        self.server = subprocess.Popen(
            args, cwd=self.folder, env=self.env, stdout=self.log, stderr=self.log,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.base}/accounts/login/", timeout=2)
                return
            except requests.ConnectionError:
                if self.server.poll() is not None:
                    break
                time.sleep(0.3)
        raise SystemExit(f"[{self.leg.name}] runserver did not answer; see {self.log.name}")

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)  # the group this script started
            self.server.wait(timeout=30)

    def django_series(self) -> str:
        out = self.run(["python", "-c", "import django; print(django.get_version())"]).stdout
        return ".".join(out.strip().split(".")[:2])

    def setting(self, expression: str) -> str:
        code = f"from django.conf import settings; print({expression})"
        # The last line: Django 5.2+ may first say which objects the shell imported.
        return (
            self.run(["python", "manage.py", "shell", "-c", code]).stdout.strip().splitlines()[-1]
        )

    def check(self) -> None:
        """``check`` says nothing about the app; ``check --deploy`` with deploy-like settings
        nothing at all from it (what the README promises), and nothing it leaves unexplained."""
        output = self.run(["python", "manage.py", "check"]).stdout
        if "conductor_django." in output:
            raise SystemExit(f"[{self.leg.name}] check:\n{output}")
        settings = (self.folder / "myproject" / "settings.py").read_text()
        deploy = re.sub(r"^DEBUG = True$", "DEBUG = False", settings, count=1, flags=re.M)
        deploy += DEPLOY_SETTINGS.format(secret=os.urandom(32).hex())
        (self.folder / "myproject" / "deploy_settings.py").write_text(deploy)
        env = {
            "DJANGO_SETTINGS_MODULE": "myproject.deploy_settings",
            "CONDUCTOR_SECRET_KEY": "sk_conductor_deploy_check_0123456789",
            "CONDUCTOR_PUBLISHABLE_KEY": "pk_conductor_deploy_check_0123456789",
        }
        # A production environment has the real keys and no sandbox address.
        deploy_env = {k: v for k, v in self.env.items() if k != "CONDUCTOR_BASE_URL"}
        completed = subprocess.run(
            ["python", "manage.py", "check", "--deploy"],
            cwd=self.folder, env={**deploy_env, **env}, text=True, capture_output=True,
        )  # fmt: skip
        output = completed.stdout + completed.stderr
        self.log.write("$ manage.py check --deploy (deploy-like settings)\n" + output)
        ids = set(re.findall(r"conductor_django\.[EW]\d{3}", output))
        readme = (ROOT / "README.md").read_text()
        unexplained = sorted(id_ for id_ in ids if id_ not in readme)
        if completed.returncode or ids:
            raise SystemExit(
                f"[{self.leg.name}] check --deploy reported {sorted(ids)} "
                f"(unexplained by the README: {unexplained}):\n{output}"
            )


# Django's own deployment settings, so that `check --deploy` has only the app to talk about.
DEPLOY_SETTINGS = """
SECRET_KEY = "{secret}"
ALLOWED_HOSTS = ["app.example.com"]
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if __import__("django").VERSION >= (6, 1):  # startproject's console mailer is an error there
    MAILERS = {{"default": {{"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}}}
"""


def run_leg(leg: Leg, wheel: Path, blocks: list, screenshots: Path | None) -> float:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"newcomer-{leg.name}-") as folder:
        project = Project(leg, Path(folder), wheel)
        try:
            project.create_venv()
            for block in blocks:
                if block.action == "run":
                    for line in readme_blocks.commands(block):
                        project.command(line)
                elif block.action in ("write", "append"):
                    readme_blocks.apply_file_block(block, project.folder)
            if project.server is None:
                raise SystemExit("the README's quickstart never starts the server")
            series = project.django_series()
            if series != leg.expect:
                raise SystemExit(f"[{leg.name}] installed Django {series}, not {leg.expect}")
            project.check()
            if leg.browser:
                secret = project.setting("settings.CONDUCTOR['SECRET_KEY']")
                shots = screenshots or ARTIFACTS / "screenshots"
                newcomer_walks.browser_walk(project.base, USERNAME, PASSWORD, secret, shots)
            else:
                newcomer_walks.http_walk(project.base, USERNAME, PASSWORD)
        finally:
            project.stop_server()
            project.log.close()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--legs", nargs="*", help="Python versions to run (default: all)")
    parser.add_argument("--screenshots", type=Path, help="keep the browser leg's PNGs here")
    options = parser.parse_args()
    legs = [leg for leg in LEGS if not options.legs or leg.python in options.legs]
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)

    started = time.monotonic()
    blocks = readme_blocks.quickstart(ROOT / "README.md")
    with tempfile.TemporaryDirectory(prefix="newcomer-dist-") as dist:
        wheel = distributions.build_and_check(Path(dist))
        print(f"build and checks: {time.monotonic() - started:.0f} s")
        # Two legs at a time: each waits on pip, its server and the browser as much as it
        # computes, and the machine has two cores.
        with ThreadPoolExecutor(max_workers=2) as pool:
            running = {
                leg: pool.submit(run_leg, leg, wheel, blocks, options.screenshots) for leg in legs
            }
            for leg, future in running.items():
                walk = "chromium" if leg.browser else "HTTP"
                print(
                    f"{leg.name}: README quickstart, checks, {walk} walk: {future.result():.0f} s"
                )
    print(f"newcomer: {len(legs)} legs passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
