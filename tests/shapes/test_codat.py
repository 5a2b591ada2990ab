"""Codat's promises, in every host shape: one company per owner, tagged with the owner's model
and key, created after commit (both providers on one owner where the host uses both); the API
starts a connection for a manager only; a return from Link is confirmed with Codat; tags read
the records; rows of another model get nothing."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import checks
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conductor_django.codat import link
from conductor_django.codat.models import CompanyClaim
from conductor_django.codat.outcomes import ReturnKind
from conductor_django.codat.provisioning import ensure_company
from conductor_django.core.owners import NotAnOwnerError

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_ups(settings, codat):
    """Companies created at sign-up, Codat's default (the example project's test settings turn
    it off for the tests written for Conductor alone)."""
    settings.CODAT = {**settings.CODAT, "AUTO_PROVISION": True}
    return codat


def tag_of(owner):
    return f"{owner._meta.label_lower}:{owner.pk}"


def test_a_new_owner_gets_exactly_one_company_tagged_with_its_key(sign_ups, make_owner):
    owner = make_owner("Northwind Traders")

    [company] = sign_ups.companies.values()
    assert owner.codat_company_id == company["id"]
    assert company["tags"] == {"ownerId": tag_of(owner)}
    assert company["name"] == "Northwind Traders"
    assert sign_ups.count("POST", "/companies") == 1


def test_both_providers_serve_one_owner(sign_ups, make_owner, fake_conductor):
    owner = make_owner()

    assert owner.conductor_end_user_id in fake_conductor.end_users
    assert owner.codat_company_id in sign_ups.companies


def test_a_create_codat_finishes_late_still_makes_one_company(sign_ups, make_owner, settings):
    settings.CODAT = {**settings.CODAT, "CREATE_GRACE_SECONDS": 60}
    sign_ups.late_create()
    owner = make_owner()
    assert owner.codat_company_id is None

    CompanyClaim.objects.update(lease_expires_at=timezone.now())
    sign_ups.reveal_late_creates()

    assert ensure_company(owner) == next(iter(sign_ups.companies))
    assert sign_ups.count("POST", "/companies") == 1


def test_a_row_of_another_mixin_model_gets_no_company(shape, sign_ups, make_owner):
    row = shape.make_non_owner_row()
    if row is None:
        pytest.skip(f"{shape.name} has no other model with the mixin")
    row.refresh_from_db()

    assert row.codat_company_id is None
    with pytest.raises(NotAnOwnerError):
        ensure_company(row)
    assert sign_ups.count("POST", "/companies") == 0


def api(name, **kwargs):
    return reverse(f"conductor_codat_api:{name}", kwargs=kwargs or None)


def test_the_api_starts_a_connection_and_the_return_is_confirmed(sign_ups, make_owner, client_for):
    owner = make_owner()
    browser = client_for(owner)

    created = browser.post(
        api("connections"), {"platformKey": "gbol"}, content_type="application/json"
    )

    assert created.status_code == 201, created.content
    body = created.json()
    token = body["linkUrl"].split("state=", 1)[1]
    # The user links on Codat's page; Codat sends the browser back through the Portal template.
    sign_ups.redirect_url = (
        "https://host.test/back/?connectionId={connectionId}&statusCode={statusCode}&state={state}"
    )
    back = sign_ups.link(body["connection"]["id"], "link", state=token)
    request = RequestFactory().get("/back/?" + back.split("?", 1)[1])
    request.user = owner_user(browser)
    request.session = SessionStore(session_key=browser.session.session_key)
    outcome = link.handle_return(request, owner)

    assert outcome.kind == ReturnKind.LINKED
    listed = browser.get(api("connections")).json()["connections"]
    assert [(c["platformKey"], c["status"]) for c in listed] == [("gbol", "Linked")]


def owner_user(browser):
    from django.contrib.auth import SESSION_KEY, get_user_model

    return get_user_model()._default_manager.get(pk=browser.session[SESSION_KEY])


def test_a_member_who_may_not_manage_cannot_start_one(shape, sign_ups, make_owner, client_for):
    if shape.everyone_manages:
        pytest.skip(f"every user of {shape.name} manages their own connections")
    owner = make_owner()
    browser = client_for(owner, admin=False)

    refused = browser.post(
        api("connections"), {"platformKey": "gbol"}, content_type="application/json"
    )

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "NOT_ALLOWED"
    assert browser.get(api("connections")).json()["canManage"] is False
    assert sign_ups.count("POST", "/connections") == 0


def test_the_tags_read_the_records_and_are_neutral_for_others(shape, sign_ups, make_owner):
    owner = make_owner()
    sign_ups.add_connection(owner.codat_company_id, "gbol", status="Linked")
    from conductor_django.codat.connections import refresh_connections

    refresh_connections(owner)
    calls = len(sign_ups.calls)
    other = shape.make_non_owner_row()

    html = Template(
        "{% load codat %}{% codat_status owner %}|{% codat_status other %}|"
        "{% codat_connections owner as cs %}{{ cs|length }}"
    ).render(Context({"owner": owner, "other": other}))

    assert html == "Connected||1"
    assert len(sign_ups.calls) == calls


def test_codat_checks_pass(sign_ups):
    found = [
        m.id
        for m in checks.run_checks(tags=["codat"])
        if m.id.startswith("conductor_codat.") and not m.is_silenced()
    ]
    assert found == []
