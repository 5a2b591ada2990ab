"""What a host relies on when Conductor misbehaves, in every host shape: a create Conductor
finishes after we gave up still makes exactly one end-user (the page says "setting up"
meanwhile); an end-user Conductor lost is replaced once and the page carries on; a sign-up while
Conductor is down logs one readable line."""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from conductor_django.models import ReplacedEndUser
from conductor_django.provisioning import next_attempt_at

pytestmark = pytest.mark.django_db


def outcome(response):
    return response.text.split('data-conductor-outcome="', 1)[1].split('"', 1)[0]


def test_a_create_completed_late_gives_one_end_user_and_setting_up_meanwhile(
    make_owner, fake_conductor, client_for, settings
):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "CREATE_GRACE_SECONDS": 0.6}
    fake_conductor.complete_late(seconds=0.2)
    owner = make_owner()  # its sign-up's create times out; Conductor completes it 0.2 s later
    assert owner.conductor_end_user_id is None
    browser = client_for(owner)

    page = browser.get(reverse("conductor_django:settings"))

    assert page.status_code == 200 and outcome(page) == "setting_up"
    hold = next_attempt_at(owner)
    time.sleep(max(0.0, (hold - timezone.now()).total_seconds()) + 0.05)
    again = browser.get(reverse("conductor_django:settings"), {"refresh": "1"})

    assert again.status_code == 302
    owner.refresh_from_db()
    assert list(fake_conductor.end_users) == [owner.conductor_end_user_id]
    assert fake_conductor.count("POST", "/end-users") == 1


def test_an_end_user_conductor_lost_is_replaced_once_and_the_page_carries_on(
    owner, fake_conductor, client_for
):
    gone = owner.conductor_end_user_id
    del fake_conductor.end_users[gone]
    browser = client_for(owner)

    response = browser.get(reverse("conductor_django:settings"), {"refresh": "1"})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.conductor_end_user_id not in (None, gone)
    assert fake_conductor.auth_sessions[-1]["endUserId"] == owner.conductor_end_user_id
    [replaced] = ReplacedEndUser.objects.all()
    assert (replaced.owner, replaced.end_user_id) == (owner, gone)


def test_a_sign_up_while_conductor_is_down_logs_one_line_naming_the_owner(
    make_owner, fake_conductor, caplog
):
    fake_conductor.outage(503)

    owner = make_owner()

    app = [
        r
        for r in caplog.records
        if r.name.startswith("conductor_django") and r.name != "conductor_django.client"
    ]
    [record] = [r for r in app if r.levelname != "INFO"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert f"{owner._meta.label} {owner.pk}" in record.getMessage()
    assert "SERVICE_UNAVAILABLE" in record.getMessage()
