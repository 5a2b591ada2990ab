"""The Codat sandbox under the live server as the Codat every process talks to (beside the
Conductor sandbox of ``support``), for the multi-process Codat tests."""

import pytest

from conductor_django.codat import clients
from conductor_django.codat.sandbox import control

KEY = "codat_live_key_0123456789abcdef"


@pytest.fixture
def codat_sandbox(sandbox, live_server, settings):
    """The Codat sandbox, empty, configured in this process; ``worker_env`` configures the
    processes a test starts the same way."""
    control.reset()
    base_url = f"{live_server.url}/codat-sandbox"
    settings.CODAT = {
        "API_KEY": KEY,
        "API_BASE_URL": base_url,
        "AUTO_PROVISION": True,
        "RETRY_BACKOFF": 0.01,
    }
    settings.CODAT_SANDBOX = {"ENABLED": True, "WEBHOOK_DELIVERY": "manual"}
    try:
        yield {"CONDUCTOR_WORKER_CODAT_BASE_URL": base_url, "CONDUCTOR_WORKER_CODAT_KEY": KEY}
    finally:
        clients.close_all()
        control.clear_faults()


def companies_for(owner):
    """The Codat sandbox's companies (hidden late creates too) tagged for this owner."""
    tag = f"{owner._meta.label_lower}:{owner.pk}"
    return [c for c in control.companies() if c["tags"].get("ownerId") == tag]
