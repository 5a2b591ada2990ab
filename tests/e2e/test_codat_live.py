"""The Codat pages over real HTTP without JavaScript (the ``requests`` visitor), against the
Codat sandbox under the live server: one-time links carry our state beside their token, a
warm connections page asks Codat nothing (the sandbox's request log), Codat failing mid-journey
reads as words, and replacing the accounting platform asks first."""

from urllib.parse import parse_qs, urlsplit

import pytest

from conductor_django.codat.models import CodatConnection
from conductor_django.codat.sandbox import control

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
