"""Codat on PostgreSQL under races, counted by the Codat sandbox's request log: one company
however many workers race for an owner, and one refresh however many pages ask at once."""

from django.contrib.auth import get_user_model

from conductor_django.codat.connections import refresh_connections
from conductor_django.codat.models import CompanyClaim
from conductor_django.codat.provisioning import ensure_company
from conductor_django.codat.sandbox import control
from conductor_django.codat.tasks import provision_company
from conductor_django.core.provisioning import provisioning_disabled
from tests.tasks.codat_support import companies_for
from tests.tasks.support import needs_shared_database
from tests.threads import all_at_once

pytestmark = needs_shared_database
User = get_user_model()


def _user(name="racer"):
    with provisioning_disabled():
        return User.objects.create_user(name, f"{name}@example.com", "pw")


def test_twenty_concurrent_tasks_make_one_company(codat_sandbox):
    user = _user()
    # A slow create keeps the first attempt in flight while the others arrive.
    control.fail_next(1, "delay", method="POST", path="/companies", delay_ms=500)

    results, errors = all_at_once(20, lambda: provision_company.call(User._meta.label, user.pk))

    assert errors == []
    [company] = companies_for(user)
    assert control.request_count("POST", "/companies") == 1
    assert company["id"] in results
    assert not CompanyClaim.objects.exists()


def test_eight_concurrent_refreshes_ask_codat_once(codat_sandbox):
    user = _user()
    company_id = ensure_company(user)
    control.create_connection(company_id, "gbol")
    control.fail_next(1, "delay", method="GET", path="/companies/*/connections", delay_ms=500)

    results, errors = all_at_once(8, lambda: refresh_connections(User.objects.get(pk=user.pk)))

    assert errors == []
    assert control.request_count("GET", "/companies/*/connections") == 1
    assert all(len(rows) == 1 for rows in results)
