from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conductor_django.models import ConnectionStatus

pytestmark = pytest.mark.django_db


def check(*args):
    out, err = StringIO(), StringIO()
    call_command("conductor_check_connections", "--concurrency", "1", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def owners(make_user):
    return [
        make_user("alice", "connected"),
        make_user("bob"),
        make_user("carol", "qbd_not_running"),
        make_user("dave", provisioned=False),
    ]


def test_records_every_status_and_summarises(owners, fake_conductor):
    alice, bob, carol, dave = owners

    out, err = check()

    lines = out.splitlines()
    assert lines[0] == (
        f"accounts.User {carol.pk} ({carol.conductor_end_user_id}): error QBD_CONNECTION_ERROR"
    )
    assert lines[1:] == [
        "Checked 3 users: 1 connected; 1 not set up; 1 with an error.",
        "1 have no Conductor end-user yet (conductor_sync_end_users creates them).",
    ]
    assert "Checked 3/3 (100%)" in err
    recorded = dict(ConnectionStatus.objects.values_list("end_user_id", "status"))
    assert recorded == {
        alice.conductor_end_user_id: "connected",
        bob.conductor_end_user_id: "not_set_up",
        carol.conductor_end_user_id: "error",
    }
    assert fake_conductor.count("POST", "/end-users") == 3  # dave is not given one


def test_only_stale_statuses_are_checked_unless_all(owners, fake_conductor):
    check()
    ConnectionStatus.objects.filter(end_user_id=owners[0].conductor_end_user_id).update(
        checked_at=timezone.now() - timedelta(hours=2)
    )
    checks_before = fake_conductor.count("GET", "/health-check")

    out, _ = check()
    assert out.splitlines()[0] == "Checked 1 users: 1 connected."
    assert fake_conductor.count("GET", "/health-check") == checks_before + 1

    out, _ = check("--stale-after", "86400")
    assert out.splitlines()[0] == "Checked 0 users: nothing to do."

    out, _ = check("--all")
    assert "Checked 3 users" in out
    assert fake_conductor.count("GET", "/health-check") == checks_before + 4


def test_broken_connections_are_not_a_failure_but_an_outage_is(owners, fake_conductor):
    fake_conductor.set_scenario(owners[0], "not_active")
    check("--all")  # exits 0 although two connections are broken

    fake_conductor.outage("network")
    with pytest.raises(CommandError, match="could not be reached for 3 of them"):
        check("--all")

    assert ConnectionStatus.objects.filter(status="error").count() == 2


def test_stale_after_and_all_exclude_each_other():
    with pytest.raises(CommandError):
        check("--all", "--stale-after", "10")
