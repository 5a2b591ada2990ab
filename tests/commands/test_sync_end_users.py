import os
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
# Threads need their own connections to one database: SQLite's shared in-memory test database
# locks whole tables instead of waiting, so the threaded path runs on PostgreSQL only.
needs_shared_database = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        os.environ.get("CONDUCTOR_TEST_DB") != "postgres",
        reason="threads need a shared database: run with CONDUCTOR_TEST_DB=postgres",
    ),
]


def sync(*args):
    out, err = StringIO(), StringIO()
    call_command("conductor_sync_end_users", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def source_ids(fake_conductor):
    return Counter(user["sourceId"] for user in fake_conductor.end_users.values())


def test_creates_missing_end_users_once_however_often_it_runs(make_user, fake_conductor):
    users = [make_user(name, provisioned=False) for name in ("alice", "bob", "carol")]

    out, err = sync("--concurrency", "1")
    again, _ = sync("--concurrency", "1")

    assert out.strip() == "Created 3 end-users; 0 failed; 0 being created by another worker."
    assert "Synced 3/3 (100%)" in err
    assert again.strip() == "Every one of the users already has a Conductor end-user."
    assert fake_conductor.count("POST", "/end-users") == 3
    assert source_ids(fake_conductor) == {str(user.pk): 1 for user in users}
    for user in users:
        user.refresh_from_db()
        assert user.conductor_end_user_id in fake_conductor.end_users


def test_dry_run_only_counts(make_user, fake_conductor):
    make_user("alice")
    make_user("bob", provisioned=False)
    calls_before = len(fake_conductor.calls)

    out, _ = sync("--dry-run")

    assert out.strip() == (
        "1 of 2 users have no Conductor end-user; run without --dry-run to create them."
    )
    assert len(fake_conductor.calls) == calls_before


def test_failures_exit_non_zero_and_a_rerun_resumes_without_duplicates(make_user, fake_conductor):
    users = [make_user(name, provisioned=False) for name in ("alice", "bob")]
    fake_conductor.outage(503)

    with pytest.raises(CommandError, match="2 users could not get an end-user"):
        sync("--concurrency", "1")

    fake_conductor.end_outage()
    out, _ = sync("--concurrency", "1")

    assert out.startswith("Created 2 end-users; 0 failed")
    assert source_ids(fake_conductor) == {str(user.pk): 1 for user in users}


@pytest.mark.django_db(transaction=True)
@needs_shared_database[0]
@needs_shared_database[1]
def test_concurrent_run_creates_one_end_user_per_owner(make_user, fake_conductor):
    users = [make_user(f"user{i}", provisioned=False) for i in range(12)]

    out, err = sync("--concurrency", "4")

    assert out.startswith("Created 12 end-users; 0 failed")
    assert "Synced 12/12 (100%)" in err
    assert fake_conductor.count("POST", "/end-users") == 12
    assert source_ids(fake_conductor) == {str(user.pk): 1 for user in users}


def test_model_option(make_user, fake_conductor):
    with pytest.raises(CommandError, match="does not use ConductorEndUserMixin"):
        sync("--model", "auth.Group")
    with pytest.raises(CommandError, match="--model nope.Nope"):
        sync("--model", "nope.Nope")

    make_user("alice", provisioned=False)
    out, _ = sync("--model", "accounts.User", "--concurrency", "1")
    assert out.startswith("Created 1 end-users")


def test_concurrency_is_bounded():
    with pytest.raises(CommandError, match="--concurrency"):
        sync("--concurrency", "0")
