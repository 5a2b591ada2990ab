"""The version matrix: each supported Django on a Python it supports, on SQLite and PostgreSQL.

    nox                                        # every leg
    nox -t django6                             # the Django 6 legs (what CI adds to `make test`)
    MATRIX_DATABASES=sqlite nox                # every Django, SQLite only
    nox -s tests-django6.1 -- tests/tasks -x   # one leg, some tests

Django 5.2 runs on Python 3.11 with the django-tasks backport; Django 6.x on Python 3.12/3.13
with the built-in django.tasks (the backport is still installed there: django-tasks-rq imports
it). Interpreters are looked up on PATH (pyenv shims need PYENV_VERSION, e.g.
``3.11.7:3.12.1:3.13.0``) and then in ~/.pyenv/versions; a missing one fails its legs by name.
PostgreSQL legs need a server on 127.0.0.1:5432 (database ``test``, trust auth) and the
Redis on 127.0.0.1:6379 that the RQ tests use.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import nox

nox.options.error_on_missing_interpreters = True
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "uv|virtualenv"

LEGS = {
    # Django series: (Python, pip requirement)
    "5.2": ("3.11", "Django>=5.2,<5.3"),
    "6.0": ("3.12", "Django>=6.0,<6.1"),
    "6.1": ("3.13", "Django>=6.1,<6.2"),
}
DATABASES = ("sqlite", "postgres")  # MATRIX_DATABASES=sqlite picks one
# Host projects shaped unlike the example (tests/hosts); tests/shapes runs in each.
SHAPES = ("tests.hosts.organizations.settings", "tests.hosts.uuid_email.settings")


def _runs(command):
    # A pyenv shim is on PATH even when it cannot resolve that version: try it.
    if not shutil.which(command):
        return False
    return subprocess.run([command, "-c", ""], capture_output=True).returncode == 0


def _make_interpreters_findable():
    """Put ~/.pyenv/versions/<x.y.z>/bin on PATH for each Python a leg needs but PATH lacks."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    extra = []
    for python, _ in LEGS.values():
        if _runs(f"python{python}"):
            continue
        found = sorted(versions.glob(f"{python}.*/bin/python{python}"))
        if found:
            extra.append(str(found[-1].parent))
    if extra:
        os.environ["PATH"] = os.pathsep.join([*extra, os.environ.get("PATH", "")])


_make_interpreters_findable()


def _databases():
    chosen = [db.strip() for db in os.environ.get("MATRIX_DATABASES", "").split(",") if db.strip()]
    unknown = set(chosen) - set(DATABASES)
    if unknown:
        raise SystemExit(f"MATRIX_DATABASES: unknown {', '.join(sorted(unknown))}")
    return chosen or list(DATABASES)


def _define(django, python, requirement):
    @nox.session(name=f"tests-django{django}", python=python, tags=[f"django{django[0]}"])
    def tests(session):
        # One environment per Django, both databases in it: installing is the slow part.
        session.install("-r", "requirements/test.txt", requirement, "django-tasks>=0.12,<0.13")
        session.run("python", "-c", "import django; print('Django', django.get_version())")
        for db in _databases():
            env = {"CONDUCTOR_TEST_DB": db} if db == "postgres" else {}
            started = time.monotonic()
            session.run(
                "python",
                "manage.py",
                "makemigrations",
                "--check",
                "--dry-run",
                "--settings=tests.settings",
                env=env,
            )
            session.run("pytest", "-q", "-p", "no:cacheprovider", *session.posargs, env=env)
            if not session.posargs:
                for shape in SHAPES:
                    session.run(
                        "pytest",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        "tests/shapes",
                        f"--ds={shape}",
                        env=env,
                    )
            session.log(f"Django {django} on {db}: {time.monotonic() - started:.0f} s")

    tests.__doc__ = f"The suite on Django {django}, Python {python}, SQLite then PostgreSQL."
    return tests


for _django, (_python, _requirement) in LEGS.items():
    globals()[f"tests_django{_django.replace('.', '_')}"] = _define(_django, _python, _requirement)
