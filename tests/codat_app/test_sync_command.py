"""``codat_sync_companies``: every owner without a company gets one (adopting a tagged one Codat
has), owners with several and tagged companies matching no owner are reported, and only the
safe extras are deleted on request."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conductor_django.core.provisioning import provisioning_disabled

from .conftest import tagged

pytestmark = pytest.mark.django_db


def run(*args):
    # One owner at a time: in-memory SQLite locks whole tables across threads (the threaded
    # path is the Conductor command's, tested on PostgreSQL, and shared).
    out, err = StringIO(), StringIO()
    call_command("codat_sync_companies", "--concurrency", "1", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def old(fake, company, hours=1):
    fake.companies[company["id"]]["created"] = datetime.now(UTC) - timedelta(hours=hours)


def test_owners_without_a_company_get_one_and_a_rerun_does_nothing(codat, make_user):
    with provisioning_disabled():
        users = [make_user(name) for name in ("ann", "ben", "cat")]

    out, _ = run()
    again, _ = run()

    assert out.splitlines() == [
        "Created 3 companies; 0 failed; 0 being created by another worker.",
        "Codat has 3 companies: no user has more than one, and each matches a user.",
    ]
    assert again.splitlines()[0] == "Every one of the users already has a Codat company."
    assert all(len(tagged(codat, u)) == 1 for u in users)


def test_a_company_codat_already_has_for_the_owner_is_adopted(codat, make_user):
    with provisioning_disabled():
        ann = make_user("ann")
    existing = codat.add_company("Ann", tags={"ownerId": f"accounts.user:{ann.pk}"})

    out, _ = run()

    ann.refresh_from_db()
    assert ann.codat_company_id == existing["id"]
    assert codat.count("POST", "/companies") == 0
    assert out.startswith("Created 1 company;")


def test_duplicates_and_orphans_are_reported_and_safe_extras_deleted(codat, owner, make_user):
    extra_old = codat.add_company("Alice again", tags={"ownerId": f"accounts.user:{owner.pk}"})
    old(codat, extra_old)
    extra_young = codat.add_company("Alice twice", tags={"ownerId": f"accounts.user:{owner.pk}"})
    orphan = codat.add_company("Gone Ltd", tags={"ownerId": "accounts.user:999"})
    codat.add_company("Not ours", tags={"crm": "42"})

    out, _ = run()

    lines = out.splitlines()
    assert lines[1] == "Codat has 4 companies: 1 user has more than one, and 1 matches no user."
    assert f"accounts.User {owner.pk} has 3 companies: " in lines[2]
    assert f"{owner.codat_company_id} (stored)" in lines[2]
    assert (
        f"{orphan['id']} (tag ownerId='accounts.user:999', name 'Gone Ltd') matches no user."
        in lines
    )
    assert "Run again with --delete-duplicates to delete the 2 extra companies" in lines[-1]

    dry, _ = run("--delete-duplicates", "--dry-run")
    assert f"Would delete {extra_old['id']} (an extra company of accounts.User {owner.pk})." in dry
    assert extra_old["id"] in codat.companies

    out, _ = run("--delete-duplicates")
    assert f"Deleted {extra_old['id']}" in out
    assert f"Kept {extra_young['id']}" in out and "CREATE_GRACE_SECONDS" in out
    assert extra_old["id"] not in codat.companies
    assert orphan["id"] in codat.companies  # an orphan is never deleted


def test_codat_down_fails_with_a_readable_error(codat, owner):
    codat.outage(503)
    with pytest.raises(CommandError, match="Could not list Codat's companies"):
        run()


def test_only_the_owner_model(codat, owner):
    with pytest.raises(CommandError, match="is not the owner model"):
        run("--model", "organizations.Organization")
