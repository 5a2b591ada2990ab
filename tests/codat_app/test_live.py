"""Over real HTTP against the Codat sandbox under the live server: the link the app hands out
opens the sandbox's Link page with its one-time token and our state side by side, the page's
outcome comes back through the Portal's redirect template, and the return is confirmed with
Codat; the platforms come with the sandbox's branding."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from conductor_django.codat import integrations, link
from conductor_django.codat.connections import company_id, refresh_connections
from conductor_django.codat.outcomes import ReturnKind
from conductor_django.codat.sandbox import control

from ..tasks.codat_support import codat_sandbox  # noqa: F401  (fixture)
from ..tasks.support import sandbox  # noqa: F401  (fixture)
from .test_link import Browser

pytestmark = pytest.mark.live


@pytest.fixture
def live_owner(codat_sandbox, django_user_model):  # noqa: F811
    from conductor_django.core.provisioning import provisioning_disabled

    with provisioning_disabled():
        user = django_user_model.objects.create_user("lina", "lina@example.com", "pw")
    company_id(user)
    user.refresh_from_db()
    return user


def pick(url, outcome):
    """Open the Link page at ``url`` and pick ``outcome`` as the tester would; returns where the
    sandbox sends the browser."""
    with requests.Session() as browser:
        page = browser.get(url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        forms = re.findall(r'<form method="post" action="([^"]*)">(.*?)</form>', page.text, re.S)
        action, body = next((a, b) for a, b in forms if f'value="{outcome}"' in b)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        answer = browser.post(
            requests.compat.urljoin(url, html.unescape(action)),
            data={"csrfmiddlewaretoken": token, "outcome": outcome},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=10,
        )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


@pytest.mark.parametrize("one_time", [False, True])
def test_link_and_back_through_the_sandbox(live_owner, one_time):
    control.set_redirect_url(link.redirect_template("http://testserver/codat/return/"))
    control.set_one_time_links(one_time)
    browser = Browser(live_owner)

    start = link.begin_link(browser.request(), live_owner, "gbol", next_url="/books/")

    query = parse_qs(urlsplit(start.url).query)
    assert ("otp" in query) == one_time and "state" in query
    back = pick(start.url, "link")
    outcome = link.handle_return(
        browser.request("/codat/return/?" + urlsplit(back).query), live_owner
    )

    assert outcome.kind == ReturnKind.LINKED, outcome
    assert outcome.next_url == "/books/"
    [row] = refresh_connections(live_owner)
    assert row.status == "Linked" and row.platform_name == "Xero"


def test_cancel_in_the_sandbox_goes_back_to_the_picker(live_owner):
    control.set_redirect_url(link.redirect_template("http://testserver/codat/return/"))
    browser = Browser(live_owner)
    start = link.begin_link(browser.request(), live_owner, "gbol")

    back = pick(start.url, "cancel")
    outcome = link.handle_return(browser.request("/r/?" + urlsplit(back).query), live_owner)

    assert outcome.kind == ReturnKind.CANCELLED and outcome.back_to_picker


def test_the_platforms_come_with_the_sandbox_branding(live_owner):
    found = integrations.platforms()

    quickbooks = next(p for p in found if p.key == "qhyg")
    assert quickbooks.branded_button_required
    assert quickbooks.button is not None and quickbooks.button_hover is not None
    assert requests.get(quickbooks.button.src, timeout=10).status_code == 200
