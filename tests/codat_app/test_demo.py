"""`make demo` offers both providers offline: with the demo's environment, the example project
points Codat's client at the Codat sandbox with the sandbox's demo key, and the sandbox's
"Portal" template leads back to the example's Codat callback with everything it reads."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core import checks
from conductor_django.codat import redirect
from conductor_django.codat.conf import codat_settings
template = getattr(settings, "CODAT_SANDBOX", {}).get("REDIRECT_URL", "")
found = [m.id for m in checks.run_checks(tags=["codat"]) if not m.is_silenced()]
print(json.dumps({
    "base_url": codat_settings.API_BASE_URL,
    "has_key": bool(codat_settings.API_KEY),
    "problems": redirect.judge(template).problems,
    "template": template,
    "codat_checks": found,
}))
"""


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CODAT", "CONDUCTOR"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "example_project.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_serves_codat_from_its_sandbox_with_no_key_to_set():
    found = probe(
        CONDUCTOR_SANDBOX="1",
        CONDUCTOR_BASE_URL="http://127.0.0.1:8123/sandbox/v1",
        CODAT_BASE_URL="http://127.0.0.1:8123/codat-sandbox",
        EXAMPLE_DB_PATH=":memory:",
    )

    assert found["base_url"] == "http://127.0.0.1:8123/codat-sandbox"
    assert found["has_key"]
    assert found["problems"] == []
    assert found["template"].startswith("http://127.0.0.1:8123/codat/return/?")
    assert found["codat_checks"] == []


def test_without_the_sandbox_the_key_comes_from_the_environment():
    found = probe(EXAMPLE_DB_PATH=":memory:")

    assert found["base_url"] == "https://api.codat.io"
    assert not found["has_key"]
    assert "conductor_codat.W002" in found["codat_checks"]
