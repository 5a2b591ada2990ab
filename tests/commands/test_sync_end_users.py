import os
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conductor_django.client.resources import format_timestamp
from conductor_django.provisioning import provisioning_disabled

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

    assert out.splitlines() == [
        "Created 3 end-users; 0 failed; 0 being created by another worker.",
        "Conductor has 3 end-users: no user has more than one, and each matches a user.",
    ]
    assert "Synced 3/3 (100%)" in err
    assert again.splitlines() == [
        "Every one of the users already has a Conductor end-user.",
        "Conductor has 3 end-users: no user has more than one, and each matches a user.",
    ]
    assert fake_conductor.count("POST", "/end-users") == 3
    assert source_ids(fake_conductor) == {str(user.pk): 1 for user in users}
    for user in users:
        user.refresh_from_db()
        assert user.conductor_end_user_id in fake_conductor.end_users


def test_dry_run_only_counts_and_reports(make_user, fake_conductor):
    make_user("alice")
    make_user("bob", provisioned=False)
    calls_before = len(fake_conductor.calls)

    out, _ = sync("--dry-run")

    assert out.splitlines() == [
        "1 of 2 users have no Conductor end-user; run without --dry-run to create them.",
        "Conductor has 1 end-user: no user has more than one, and each matches a user.",
    ]
    # One read, to report; nothing created.
    assert fake_conductor.calls[calls_before:] == [("GET", "/v1/end-users")]


def test_failures_exit_non_zero_and_a_rerun_resumes_without_duplicates(make_user, fake_conductor):
    users = [make_user(name, provisioned=False) for name in ("alice", "bob")]
    fake_conductor.outage(400, method="POST", path="/end-users")

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
    with pytest.raises(CommandError, match="is not the owner model"):
        sync("--model", "organizations.Organization")
    with pytest.raises(CommandError, match="--model nope.Nope"):
        sync("--model", "nope.Nope")

    make_user("alice", provisioned=False)
    out, _ = sync("--model", "accounts.User", "--concurrency", "1")
    assert out.startswith("Created 1 end-user;")


def test_concurrency_is_bounded():
    with pytest.raises(CommandError, match="--concurrency"):
        sync("--concurrency", "0")


def test_a_listing_failure_changes_nothing(make_user, fake_conductor):
    make_user("alice", provisioned=False)
    fake_conductor.outage(503)

    with pytest.raises(CommandError, match="Could not list Conductor's end-users"):
        sync("--concurrency", "1")

    assert fake_conductor.count("POST", "/end-users") == 0


# Duplicates and orphans


def add_end_user(fake_conductor, source_id, *, hours_ago=2, id_=None):
    """An end-user as Conductor holds it, e.g. one a timed-out create left behind."""
    id_ = id_ or f"end_usr_{source_id}_{len(fake_conductor.end_users)}"
    created = timezone.now() - timedelta(hours=hours_ago)
    fake_conductor.end_users[id_] = {
        "id": id_,
        "objectType": "end_user",
        "createdAt": format_timestamp(created),
        "companyName": "Left Behind Ltd",
        "sourceId": str(source_id),
        "email": "",
        "integrationConnections": [],
    }
    return id_


@pytest.fixture
def messy(make_user, fake_conductor):
    """Alice has an old extra and a young one, Bob an old extra, Carol none; one end-user's
    sourceId matches no user."""
    alice, bob, carol = (make_user(name) for name in ("alice", "bob", "carol"))
    extras = {
        "alice_old": add_end_user(fake_conductor, alice.pk, id_="end_usr_alice_old"),
        "alice_young": add_end_user(fake_conductor, alice.pk, hours_ago=0, id_="end_usr_alice_new"),
        "bob_old": add_end_user(fake_conductor, bob.pk, hours_ago=30, id_="end_usr_bob_old"),
        "orphan": add_end_user(fake_conductor, 999999, id_="end_usr_orphan"),
    }
    return alice, bob, carol, extras


def test_duplicates_and_orphans_are_always_reported_and_nothing_deleted_by_default(
    messy, fake_conductor
):
    alice, bob, carol, extras = messy

    out, _ = sync("--concurrency", "1")

    assert out.splitlines() == [
        "Every one of the users already has a Conductor end-user.",
        "Conductor has 7 end-users: 2 users have more than one, and 1 matches no user.",
        f"accounts.User {alice.pk} has 3 end-users: end_usr_alice_old (extra), "
        f"{alice.conductor_end_user_id} (stored), end_usr_alice_new (extra).",
        f"accounts.User {bob.pk} has 2 end-users: end_usr_bob_old (extra), "
        f"{bob.conductor_end_user_id} (stored).",
        "end_usr_orphan (sourceId '999999', companyName 'Left Behind Ltd') matches no user.",
        "Run again with --delete-duplicates to delete the 3 extra end-users; it keeps any "
        "younger than CREATE_GRACE_SECONDS or stored on a row.",
    ]
    assert fake_conductor.count("DELETE", "") == 0
    assert len(fake_conductor.end_users) == 7


def test_delete_duplicates_dry_run_deletes_nothing(messy, fake_conductor):
    _alice, _bob, _carol, extras = messy

    out, _ = sync("--delete-duplicates", "--dry-run")

    assert "Would delete end_usr_alice_old" in out
    assert "Would delete 2 extra end-users and keep 1; nothing was deleted (--dry-run)." in out
    assert fake_conductor.count("DELETE", "") == 0
    assert set(extras.values()) <= set(fake_conductor.end_users)


def test_delete_duplicates_deletes_only_old_extras_the_row_does_not_point_to(messy, fake_conductor):
    alice, bob, carol, extras = messy

    out, _ = sync("--delete-duplicates")

    lines = out.splitlines()
    assert f"Deleted end_usr_alice_old (an extra end-user of accounts.User {alice.pk})." in lines
    assert f"Deleted end_usr_bob_old (an extra end-user of accounts.User {bob.pk})." in lines
    assert (
        f"Kept end_usr_alice_new (an extra end-user of accounts.User {alice.pk}): created less "
        "than CREATE_GRACE_SECONDS (120 s) ago." in lines
    )
    assert lines[-1] == "Deleted 2 extra end-users; kept 1; 0 failed."
    remaining = set(fake_conductor.end_users)
    assert remaining == {
        alice.conductor_end_user_id,
        bob.conductor_end_user_id,
        carol.conductor_end_user_id,
        "end_usr_alice_new",
        "end_usr_orphan",
    }


def test_an_end_user_a_row_stores_is_never_deleted(make_user, fake_conductor, django_user_model):
    alice = make_user("alice")
    old = add_end_user(fake_conductor, alice.pk, id_="end_usr_old")
    # Another row stores it (a row of another model with the mixin would count the same).
    with provisioning_disabled():
        django_user_model.objects.create_user("keeper", conductor_end_user_id=old)

    out, _ = sync("--delete-duplicates")

    assert (
        f"Kept end_usr_old (an extra end-user of accounts.User {alice.pk}): a row stores it."
        in (out.splitlines())
    )
    assert old in fake_conductor.end_users


def test_extras_of_a_row_that_points_to_none_of_them_are_kept(make_user, fake_conductor):
    alice = make_user("alice")
    first = add_end_user(fake_conductor, alice.pk, id_="end_usr_first", hours_ago=3)
    second = add_end_user(fake_conductor, alice.pk, id_="end_usr_second")
    del fake_conductor.end_users[alice.conductor_end_user_id]
    stale = alice.conductor_end_user_id

    out, _ = sync("--delete-duplicates")

    assert f"accounts.User {alice.pk} has 2 end-users (it stores {stale}): " in out
    assert "the row points to none of its end-users" in out
    assert {first, second} <= set(fake_conductor.end_users)


def test_an_owner_whose_create_may_still_complete_is_left_for_a_later_run(
    make_user, fake_conductor, settings
):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "CREATE_GRACE_SECONDS": 60}
    alice = make_user("alice", provisioned=False)
    fake_conductor.complete_late(seconds=0)

    with pytest.raises(CommandError, match="1 user could not get an end-user"):
        sync("--concurrency", "1")
    out, _ = sync("--concurrency", "1")

    assert out.splitlines()[0] == (
        "Created 0 end-users; 0 failed; 0 being created by another worker. 1 waiting for a "
        "create that may still complete at Conductor (run the command again later)."
    )
    # The late create landed, and no second one was sent.
    assert fake_conductor.count("POST", "/end-users") == 1
    assert [u["sourceId"] for u in fake_conductor.end_users.values()] == [str(alice.pk)]
