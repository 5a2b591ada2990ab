"""The Codat pages in every host shape (mounted wherever the host puts them, owners that are
users or organizations, UUID keys): pick a platform, go through Link and come back connected;
a cancel goes back to the picker; a member who may not manage sees but cannot change; the
Portal's template is the one the docs give for the host's mount."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from conductor_django.codat import link, redirect
from conductor_django.codat.models import CodatConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(codat):
    """Codat's Portal set to the template the docs give, for this host's callback."""
    codat.redirect_url = link.redirect_template(
        "http://testserver" + reverse("conductor_codat:callback")
    )
    return codat


def come_back(browser, codat, sent, outcome):
    link_url = sent["Location"]
    connection_id = urlsplit(link_url).path.split("/connections/")[1].split("/")[0]
    state = parse_qs(urlsplit(link_url).query)["state"][0]
    back = codat.link(connection_id, outcome, state=state)
    return browser.get(back.replace("http://testserver", ""), follow=True)


def test_pick_link_and_back_connected(portal, owner, client_for):
    browser = client_for(owner)
    picker = browser.get(reverse("conductor_codat:picker"))
    assert 'data-platform="gbol"' in picker.content.decode()

    sent = browser.post(reverse("conductor_codat:connect"), {"platform": "gbol"})
    page = come_back(browser, portal, sent, "link")

    assert page.redirect_chain[-1][0] == reverse("conductor_codat:connections")
    assert 'data-status="Linked"' in page.content.decode()
    [row] = CodatConnection.objects.all()
    owner.refresh_from_db()  # a host without companies at sign-up gets one from the page
    assert row.owner_id == str(owner.pk) and row.company_id == owner.codat_company_id


def test_a_cancel_goes_back_to_the_picker(portal, owner, client_for):
    browser = client_for(owner)
    sent = browser.post(reverse("conductor_codat:connect"), {"platform": "gbol"})

    page = come_back(browser, portal, sent, "cancel")

    assert urlsplit(page.redirect_chain[0][0]).path == reverse("conductor_codat:picker")
    assert "was cancelled" in page.content.decode()


def test_a_member_who_may_not_manage_sees_but_cannot_change(shape, portal, owner, client_for):
    if shape.everyone_manages:
        pytest.skip(f"every user of {shape.name} manages their own connections")
    admin = client_for(owner)
    come_back(
        admin, portal, admin.post(reverse("conductor_codat:connect"), {"platform": "gbol"}), "link"
    )
    member = client_for(owner, admin=False)
    row = CodatConnection.objects.get()

    page = member.get(reverse("conductor_codat:connections"))
    assert 'data-status="Linked"' in page.content.decode()
    assert "Ask an administrator" in page.content.decode()
    refused = member.post(reverse("conductor_codat:disconnect", args=[row.connection_id]))

    assert refused.status_code == 403
    row.refresh_from_db()
    assert row.status == "Linked"


def test_the_portal_template_the_docs_give_is_judged_right(portal):
    expected = redirect.expected("https://app.example.com")

    assert expected.startswith("https://app.example.com" + reverse("conductor_codat:callback"))
    assert redirect.judge(expected).ok
