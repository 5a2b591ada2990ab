"""The Codat pages over real HTTP without JavaScript (the ``requests`` visitor), against the
Codat sandbox under the live server: one-time links carry our state beside their token, a
warm connections page asks Codat nothing (the sandbox's request log), Codat failing mid-journey
reads as words, replacing the accounting platform asks first, and a sign-up whose company
create completed late at Codat ends with one company, adopted by the page."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from conductor_django.codat.models import CodatConnection, CompanyClaim
from conductor_django.codat.sandbox import control
from example_project.accounts.models import User

pytestmark = pytest.mark.live


def picker(visitor):
    page = visitor.page(visitor.get("/codat/connect/"))
    assert "Connect accounting software" in page.text
    return page


def choose(visitor, platform, **values):
    """Pick ``platform`` on the picker; returns the answer (a redirect to Link, or a page)."""
    page = picker(visitor)
    form = next(f for f in page.forms if f.fields.get("platform") == platform)
    return visitor.submit(form, **values)


def through_link(visitor, sent, outcome):
    """On the sandbox's Link page, pick ``outcome``; follow the redirects back into the app."""
    link_page = visitor.page(visitor.follow(sent))
    form = link_page.form(containing=f"outcome-{outcome}")
    answer = visitor.submit(form, outcome=outcome)
    while answer.is_redirect:
        answer = visitor.follow(answer)
    return answer


def test_one_time_links_carry_our_state_and_come_back_linked(codat, visitor):
    control.set_one_time_links(True)
    visitor.sign_up("quin", "Quin's Quarry")

    sent = choose(visitor, "gbol")

    query = parse_qs(urlsplit(sent.headers["Location"]).query)
    assert set(query) == {"otp", "state"}
    back = through_link(visitor, sent, "link")
    assert urlsplit(visitor.url).path == "/codat/"
    assert "Xero is connected." in visitor.page(back).text
    assert CodatConnection.objects.get().status == "Linked"


def test_a_warm_connections_page_asks_codat_nothing(codat, visitor, settings):
    settings.CODAT = {**settings.CODAT, "STATUS_CACHE_TTL": 600}
    visitor.sign_up("rae", "Rae's Roofing")
    through_link(visitor, choose(visitor, "gbol"), "link")
    visitor.get("/codat/")
    before = control.request_count()

    page = visitor.page(visitor.get("/codat/"))

    assert "Connected" in page.text and "Xero" in page.text
    assert control.request_count() == before
    visitor.get("/codat/?refresh=1")
    assert control.request_count() > before


def test_codat_failing_when_connecting_reads_as_words(codat, visitor):
    visitor.sign_up("sol", "Sol's Solar")
    picker(visitor)  # the platform list is cached now
    control.fail_next(5, "http_503")

    answer = choose(visitor, "gbol")

    assert answer.status_code == 503
    assert "We could not reach the accounting connection service" in visitor.page(answer).text


def test_replacing_the_accounting_platform_asks_first(codat, visitor):
    visitor.sign_up("tam", "Tam's Tiles")
    through_link(visitor, choose(visitor, "gbol"), "link")

    asked = choose(visitor, "qhyg")

    assert asked.status_code == 409
    page = visitor.page(asked)
    assert "disconnects Xero" in page.text
    confirmed = visitor.submit(page.form(containing="codat-confirm"))
    back = through_link(visitor, confirmed, "link")
    assert "QuickBooks Online is connected." in visitor.page(back).text
    statuses = dict(CodatConnection.objects.values_list("platform_key", "status"))
    assert statuses == {"gbol": "Unlinked", "qhyg": "Linked"}


def test_a_sign_up_whose_create_finished_late_gets_one_company(codat, visitor, settings):
    settings.CODAT = {**settings.CODAT, "CREATE_GRACE_SECONDS": 60}
    # Codat creates the company, the connection drops, and the company shows only later.
    control.late_create(seconds=30)
    visitor.sign_up("uma", "Uma's Upholstery")
    user = User.objects.get(username="uma")
    assert user.codat_company_id is None

    # The page while the outcome is unknown: words, and no second create.
    held = visitor.page(visitor.get("/codat/"))
    assert "Your account is being set up" in held.text
    assert control.request_count("POST", "/companies") == 1

    # Codat finishes the create and the grace period ends: the page adopts it.
    control.reveal_late_creates()
    CompanyClaim.objects.update(lease_expires_at=timezone.now())
    page = visitor.page(visitor.get("/codat/"))

    assert "No accounting software is connected yet." in page.text
    user.refresh_from_db()
    [company] = [
        c for c in control.companies() if c["tags"].get("ownerId") == f"accounts.user:{user.pk}"
    ]
    assert user.codat_company_id == company["id"]
    assert control.request_count("POST", "/companies") == 1
