"""Health checks on real task engines: the settings page answers "checking" at once, a worker
process runs the check against the sandbox's slow QuickBooks, and the page's status follows it;
the check is single flight across the processes sharing the cache, however many times the page
is opened and polled meanwhile."""

import pytest
import redis

from conductor_django.sandbox import control

from .engines import REDIS_URL
from .support import (  # noqa: F401  (owner: a fixture)
    WORKER_COMMANDS,
    needs_shared_database,
    owner,
    running,
    use_engine,
    wait_for,
)

pytestmark = needs_shared_database
HEALTH_CHECK = "/quickbooks-desktop/health-check"
SHARED_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}


def data_attribute(response, name):
    text = response.content.decode()
    return text.split(f'{name}="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.mark.parametrize("engine", ["db", "rq"])
def test_a_worker_runs_one_check_for_every_open_and_poll(
    engine,
    owner,  # noqa: F811  (the fixture imported above)
    client,
    settings,
    sandbox,
):
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.CACHES = SHARED_CACHE
    control.set_scenario(owner.conductor_end_user_id, "slow", delay_seconds=1.5)
    use_engine(settings, engine)
    client.force_login(owner)

    pages = [client.get("/quickbooks/") for _ in range(5)]

    assert all('data-conductor-outcome="checking"' in page.text for page in pages)
    status_url = data_attribute(pages[0], "data-conductor-status-url")
    assert client.get(status_url).json()["state"] == "checking"
    assert control.request_count("GET", HEALTH_CHECK) == 0
    with running(
        *WORKER_COMMANDS[engine], base_url=sandbox, engine=engine, CONDUCTOR_WORKER_CACHE="redis"
    ) as worker:
        body = wait_for(
            lambda: (b := client.get(status_url).json())["final"] and b,
            what="the worker's check to answer",
            log=worker.log,
        )
    assert (body["state"], body["connect"]) == ("connected", False)
    shown = client.get(data_attribute(pages[-1], "data-conductor-page-url"))
    assert 'data-conductor-outcome="connected"' in shown.text
    assert control.request_count("GET", HEALTH_CHECK) == 1
