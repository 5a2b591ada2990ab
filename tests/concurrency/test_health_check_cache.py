"""Health checks are cached (STATUS_CACHE_TTL) and made once for concurrent cold requests of one
end-user (QuickBooks serves one request per company file at a time), counted by the sandbox.

Single flight goes through the cache, so it holds across whatever shares the cache: threads of
one process with LocMemCache, processes with Redis or the database cache.
"""

import threading
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from conductor_django.sandbox import control
from tests.tasks.engines import REDIS_URL
from tests.tasks.support import running, skip_unless_postgres, wait_for

User = get_user_model()
HEALTH_CHECK = ("GET", "/quickbooks-desktop/health-check")

CACHES = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hc"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    "db": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "conductor_test_cache",
    },
}


def _use_cache(settings, name):
    settings.CACHES = {"default": CACHES[name]}
    if name == "db":
        call_command("createcachetable", verbosity=0)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def owner(sandbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = User.objects.create_user("hc", "hc@example.com", "pw", company_name="HC Ltd")
    user.refresh_from_db()
    assert user.conductor_end_user_id
    return user


def _health_checks():
    return control.request_count(*HEALTH_CHECK)


def _session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _open_settings_together(owner, live_server, count):
    """``count`` requests for the owner's settings page, released at the same moment."""
    cookies = _session_cookie(owner, live_server)
    barrier = threading.Barrier(count)
    pages = []

    def open_settings():
        barrier.wait(10)
        pages.append(requests.get(f"{live_server.url}/quickbooks/", cookies=cookies, timeout=30))

    threads = [threading.Thread(target=open_settings) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return pages


def _answers(pages, live_server):
    """What each page ends up showing: its own answer, or, for a page that answered
    "checking", what the status it polls says once the check is over."""
    states = []
    for page in pages:
        marker = 'data-conductor-status-url="'
        if marker not in page.text:
            states.append(page.text.split('data-conductor-outcome="', 1)[1].split('"', 1)[0])
            continue
        status = page.text.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")

        def final(status=status):
            body = requests.get(live_server.url + status, timeout=10).json()
            return body if body["final"] else None

        body = wait_for(final, what="the check to answer")
        states.append(body["state"])
    return states


# Live-server threads share the one connection of an in-memory SQLite test database, which
# does not survive concurrent requests: these run on PostgreSQL.
@pytest.mark.postgres
@skip_unless_postgres
@pytest.mark.parametrize("cache", ["locmem", "redis", "db"])
def test_concurrent_cold_settings_pages_make_one_health_check(cache, owner, live_server, settings):
    _use_cache(settings, cache)
    control.set_scenario(owner.conductor_end_user_id, "slow", delay_seconds=1)
    pages = _open_settings_together(owner, live_server, 8)

    # Each answers at once ("checking": the check outlasts INLINE_CHECK_WAIT), then shows it.
    assert [page.status_code for page in pages] == [200] * 8
    assert _answers(pages, live_server) == ["connected"] * 8
    assert _health_checks() == 1


@pytest.mark.postgres
@skip_unless_postgres
def test_concurrent_cold_pages_during_an_outage_ask_conductor_once(owner, live_server, settings):
    _use_cache(settings, "locmem")
    control.set_scenario(owner.conductor_end_user_id, "connected")
    # Slow failures, so that every page arrives while the first one's check is still failing.
    control.set_faults(latency_ms=700)
    control.fail_next(3, "http_503", method="GET", path="/quickbooks-desktop/health-check")
    pages = _open_settings_together(owner, live_server, 8)

    assert [page.status_code for page in pages] == [200] * 8
    assert _answers(pages, live_server) == ["unavailable"] * 8
    # The first page's try and its two retries; the pages that follow it do not ask again.
    assert _health_checks() == 3


@pytest.mark.postgres
@skip_unless_postgres
@pytest.mark.parametrize("cache", ["redis", "db"])
def test_concurrent_cold_checks_in_separate_processes_make_one_health_check(
    cache, owner, sandbox, settings, tmp_path
):
    _use_cache(settings, cache)
    control.set_scenario(owner.conductor_end_user_id, "slow", delay_seconds=1)
    go = tmp_path / "go"
    with ExitStack() as stack:
        workers = [
            stack.enter_context(
                running(
                    "shell",
                    "-c",
                    _check_when_told(owner, ready=tmp_path / f"ready{n}", go=go),
                    base_url=sandbox,
                    CONDUCTOR_WORKER_CACHE=cache,
                )
            )
            for n in range(4)
        ]
        wait_for(
            lambda: len(list(tmp_path.glob("ready*"))) == 4,
            what="the processes to start",
            log=lambda: "\n".join(worker.log() for worker in workers),
        )
        go.touch()
        for worker in workers:
            assert worker.wait() == 0, worker.log()
            assert "status connected" in worker.log()
    assert _health_checks() == 1


def _check_when_told(owner, ready, go):
    """A process that signals it is ready, then checks once ``go`` exists."""
    return (
        "import pathlib, time\n"
        "from conductor_django import connection\n"
        "from django.contrib.auth import get_user_model\n"
        f"owner = get_user_model().objects.get(pk={owner.pk})\n"
        f"pathlib.Path({str(ready)!r}).touch()\n"
        f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.01)\n"
        "print('status', connection.check(owner, max_age=60).status)\n"
    )


def test_cached_status_is_served_until_the_ttl_or_an_explicit_refresh(owner, client):
    control.set_scenario(owner.conductor_end_user_id, "connected")
    client.force_login(owner)

    assert b'data-conductor-outcome="connected"' in client.get("/quickbooks/").content
    control.set_scenario(owner.conductor_end_user_id, "permission_denied")
    # Within STATUS_CACHE_TTL the page shows what it last learnt, without asking again.
    assert b'data-conductor-outcome="connected"' in client.get("/quickbooks/").content
    assert _health_checks() == 1

    page = client.get("/quickbooks/?refresh=1")

    assert b'data-conductor-outcome="error"' in page.content
    assert b"Allow this application to log in automatically" in page.content
    assert _health_checks() == 2
    assert b'data-conductor-outcome="error"' in client.get("/quickbooks/").content
    assert _health_checks() == 2


def test_zero_ttl_checks_every_time(owner, client, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "STATUS_CACHE_TTL": 0}
    control.set_scenario(owner.conductor_end_user_id, "connected")
    client.force_login(owner)

    client.get("/quickbooks/")
    client.get("/quickbooks/")

    assert _health_checks() == 2


def test_callback_replaces_the_cached_status(owner, client):
    client.force_login(owner)
    start = client.get("/quickbooks/")
    assert start.status_code == 302
    [session] = control.auth_sessions(owner.conductor_end_user_id)
    control.complete_auth_flow(session["clientSecret"], "connect")

    redirect = urlsplit(session["redirectUrl"])
    back = client.get(f"{redirect.path}?{redirect.query}")

    assert back.status_code == 302
    checks = _health_checks()
    assert b'data-conductor-outcome="connected"' in client.get("/quickbooks/").content
    assert _health_checks() == checks


def test_disconnect_drops_the_cached_status(owner, client):
    end_user_id = owner.conductor_end_user_id
    control.set_scenario(end_user_id, "connected")
    client.force_login(owner)
    assert b'data-conductor-outcome="connected"' in client.get("/quickbooks/").content

    assert client.post("/quickbooks/disconnect/").status_code == 302

    # Not "connected" from the cache: a new end-user, and the auth flow again.
    page = client.get("/quickbooks/")
    assert page.status_code == 302
    owner.refresh_from_db()
    assert owner.conductor_end_user_id not in (None, end_user_id)
