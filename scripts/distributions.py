"""Build the sdist and the wheel (the wheel from the sdist, as pip does from a source download),
check both with ``twine check --strict``, and check what each archive carries: the wheel only
the package (with its templates, static files, catalogs, py.typed and the LICENSE), the sdist
also the tests, docs, example project, changelog and LICENSE."""

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Files each archive must carry (paths inside the archive, after its top folder for the sdist).
WHEEL_MUST_HAVE = [
    "conductor_django/__init__.py",
    "conductor_django/py.typed",
    "conductor_django/templates/conductor_django/settings.html",
    "conductor_django/sandbox/templates/conductor_sandbox/base.html",
    "conductor_django/static/conductor_django/conductor.css",
    "conductor_django/locale/fr/LC_MESSAGES/django.mo",
    "conductor_django/migrations/0001_initial.py",
]
SDIST_MUST_HAVE = [
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "pyproject.toml",
    "mkdocs.yml",
    "manage.py",
    "requirements/test.txt",
    "requirements/docs.txt",
    # `make test` runs `make typecheck`, which installs this and checks tests/typecheck.
    "requirements/typing.txt",
    "tests/typecheck/host_usage.py",
    "docs/index.md",
    "tests/conftest.py",
    "tests/e2e/test_browser.py",
    "example_project/settings.py",
    "example_project/templates/base.html",
    "conductor_django/static/conductor_django/conductor.css",
    "conductor_django/py.typed",
]
SDIST_MUST_NOT_HAVE = re.compile(r"(^|/)(__pycache__|\.venv[^/]*|\.nox|test-artifacts)/|\.sqlite3$")


def build(outdir: Path) -> tuple[Path, Path]:
    """``python -m build``: the sdist, then the wheel built from it."""
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(outdir), str(ROOT)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    [sdist] = outdir.glob("*.tar.gz")
    [wheel] = outdir.glob("*.whl")
    return sdist, wheel


def twine_check(*paths: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, paths)], check=True
    )


def _missing(names: set[str], wanted: list[str]) -> list[str]:
    return [name for name in wanted if name not in names]


def check_wheel(wheel: Path) -> list[str]:
    """What is wrong with the wheel's file list (empty when nothing is)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    problems = [f"wheel lacks {name}" for name in _missing(names, WHEEL_MUST_HAVE)]
    dist_info = {name.split("/")[0] for name in names if ".dist-info/" in name}
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in names):
        problems.append("wheel lacks the LICENSE (in .dist-info/licenses/)")
    strays = sorted(
        name
        for name in names
        if not name.startswith("conductor_django/") and name.split("/")[0] not in dist_info
    )
    problems += [f"wheel carries {name}, outside the package" for name in strays]
    return problems


def check_sdist(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        # Every member sits under one top folder, conductor_django-<version>/.
        names = {member.name.split("/", 1)[1] for member in archive if "/" in member.name}
    problems = [f"sdist lacks {name}" for name in _missing(names, SDIST_MUST_HAVE)]
    problems += [
        f"sdist carries {name}" for name in sorted(names) if SDIST_MUST_NOT_HAVE.search(name)
    ]
    return problems


def build_and_check(outdir: Path) -> Path:
    """Build both archives, check them; the wheel's path, or SystemExit naming what is wrong."""
    sdist, wheel = build(outdir)
    twine_check(sdist, wheel)
    problems = check_wheel(wheel) + check_sdist(sdist)
    if problems:
        raise SystemExit("distributions:\n  " + "\n  ".join(problems))
    print(f"built and checked {sdist.name} and {wheel.name}")
    return wheel
