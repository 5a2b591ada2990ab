"""Exactly one Codat company per owner: created after the sign-up's commit, reconciled by the
owner tag after a create that timed out, held off while one may still complete at Codat."""

import logging

import pytest
from django.db import transaction
from django.utils import timezone

from conductor_django.codat import signals
from conductor_django.codat.models import CompanyClaim
from conductor_django.codat.provisioning import (
    ProvisioningInProgress,
    ensure_company,
    next_attempt_at,
)
from conductor_django.codat.tasks import provision_company
from conductor_django.core.owners import NotAnOwnerError
from conductor_django.core.provisioning import provisioning_disabled
from conductor_django.tasks_compat import task_backends

from .conftest import tagged

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_sign_up_creates_one_tagged_company_after_commit(codat, make_user):
    received = []
    signals.company_created.connect(lambda **kw: received.append(kw), weak=False)
    try:
        user = make_user("alice")
    finally:
        signals.company_created.receivers.clear()

    [company] = codat.companies.values()
    assert user.codat_company_id == company["id"]
    assert company["name"] == "Alice's Bakery"
    assert company["tags"] == {"ownerId": f"accounts.user:{user.pk}"}
    assert company["description"] == f"accounts.User {user.pk}"
    assert [(r["owner"], r["company_id"]) for r in received] == [(user, company["id"])]


def test_the_task_gets_the_primary_key_and_nothing_leaves_before_commit(
    settings, codat, django_user_model, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            user = django_user_model.objects.create_user("bob", "bob@example.com", "pw")
            assert codat.calls == []

    queued = [r for r in task_backends["default"].results if r.task.name == "provision_company"]
    assert [list(r.args) for r in queued] == [["accounts.User", user.pk]]
    assert codat.calls == []


def test_running_the_task_twice_creates_one_company(codat, make_user):
    user = make_user()

    provision_company.call("accounts.User", user.pk)
    provision_company.call("accounts.User", user.pk)

    assert len(tagged(codat, user)) == 1
    assert codat.count("POST", "/companies") == 1


def test_a_create_that_timed_out_holds_new_ones_then_is_adopted_by_its_tag(
    codat, make_user, codat_settings
):
    codat_settings["CREATE_GRACE_SECONDS"] = 60
    codat.late_create()  # Codat creates it, the client times out, the company is hidden a while
    user = make_user()
    assert user.codat_company_id is None
    assert len(codat.companies) == 1

    with pytest.raises(ProvisioningInProgress) as held:
        ensure_company(user)
    assert held.value.held and held.value.retry_at > timezone.now()
    assert codat.count("POST", "/companies") == 1

    CompanyClaim.objects.update(lease_expires_at=timezone.now())  # the grace period is over
    codat.reveal_late_creates()
    company_id = ensure_company(user)

    [company] = codat.companies.values()
    assert company_id == company["id"]
    assert codat.count("POST", "/companies") == 1
    assert next_attempt_at(user) is None
    assert not CompanyClaim.objects.exists()


def test_a_late_create_not_visible_yet_after_the_grace_period_is_not_doubled_if_it_shows(
    codat, make_user, codat_settings
):
    # The lookup after the grace period finds nothing (Codat slower than the grace period):
    # a second company is created, and the sync command's audit reports the pair.
    codat.late_create()
    user = make_user()
    CompanyClaim.objects.update(lease_expires_at=timezone.now())
    ensure_company(user)
    codat.reveal_late_creates()

    assert len(tagged(codat, user)) == 2
    assert codat.count("GET", "/companies") == 1  # it looked before creating


def test_codat_refusing_the_create_holds_nothing(codat, make_user, caplog):
    codat.outage(402, times=1)  # a plan limit: Codat created nothing
    user = make_user()

    assert user.codat_company_id is None
    assert next_attempt_at(user) is None
    [line] = [r for r in caplog.records if r.name == "conductor_django.codat.tasks"]
    assert line.levelname == "WARNING" and line.exc_info is None
    assert f"accounts.User {user.pk}" in line.getMessage()
    assert "HTTP 402" in line.getMessage()
    assert "codat_sync_companies" in line.getMessage()

    assert ensure_company(user)
    assert codat.count("POST", "/companies") == 2


def test_a_5xx_holds_creates_off_and_the_next_attempt_looks_first(codat, make_user):
    codat.outage(503, times=1)
    user = make_user()

    assert next_attempt_at(user) is not None
    CompanyClaim.objects.update(lease_expires_at=timezone.now())
    ensure_company(user)
    assert [c for c in codat.calls if c[0] == "GET"] == [("GET", "/companies")]
    assert codat.count("POST", "/companies") == 2


def test_the_task_retries_a_transient_failure_later(settings, codat, make_user, caplog):
    settings.TASKS = DUMMY_TASKS
    user = make_user()
    codat.outage(503, times=1)
    task_backends["default"].clear()

    provision_company.call("accounts.User", user.pk)

    [retry] = task_backends["default"].results
    assert list(retry.args) == ["accounts.User", user.pk, 2]
    hold = next_attempt_at(user)
    assert retry.task.run_after >= hold
    assert "The task runs again at" in caplog.text


def test_rows_of_another_model_get_no_company(codat, fake_conductor):
    from example_project.organizations.models import Organization

    team = Organization.objects.create(name="Team", email="team@example.com")

    with pytest.raises(NotAnOwnerError, match="get no Codat company"):
        ensure_company(team)
    assert codat.calls == []


def test_provisioning_disabled_and_auto_provision_off_create_nothing(
    codat, make_user, codat_settings
):
    with provisioning_disabled():
        first = make_user("carol")
    codat_settings["AUTO_PROVISION"] = False
    second = make_user("dave")

    assert (first.codat_company_id, second.codat_company_id) == (None, None)
    assert codat.calls == []


def test_without_an_api_key_a_sign_up_logs_one_line_and_succeeds(
    settings, codat, make_user, caplog
):
    settings.CODAT = {"AUTO_PROVISION": True}
    caplog.set_level(logging.INFO)

    user = make_user()

    assert user.codat_company_id is None
    [line] = [r for r in caplog.records if r.name.startswith("conductor_django.codat")]
    assert line.levelname == "WARNING" and line.exc_info is None
    assert 'CODAT["API_KEY"]' in line.getMessage()
    assert "Traceback" not in caplog.text
