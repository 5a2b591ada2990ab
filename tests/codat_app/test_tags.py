"""``{% load codat %}``: what the app recorded, never a call to Codat; one query per owner per
page; the neutral state for anything that is not an owner."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from conductor_django.codat.connections import refresh_connections

pytestmark = pytest.mark.django_db


def render(text, **context):
    return Template("{% load codat %}" + text).render(Context(context))


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_tags_read_the_records_only(codat, owner, django_assert_num_queries):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    refresh_connections(owner)
    calls = len(codat.calls)

    with django_assert_num_queries(1):
        html = render(
            "{% codat_status as s %}{{ s.label }}|{{ s.is_connected }}|"
            "{% codat_connections as cs %}{% for c in cs %}{{ c.platform_name }}{% endfor %}|"
            "{% codat_status_badge %}",
            request=request_for(owner),
        )

    assert html.startswith("Connected|True|Xero|")
    assert 'data-codat-status="connected"' in html
    assert len(codat.calls) == calls


def test_a_revoked_connection_needs_attention(codat, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    refresh_connections(owner)
    codat.revoke(connection["id"])
    refresh_connections(owner)

    html = render("{% codat_status owner as s %}{{ s.status }}: {{ s.message }}", owner=owner)

    assert (
        html
        == "attention: Access to Xero was revoked or has expired. Reconnect it to resume syncing."
    )


@pytest.mark.parametrize("value", [None, "", 42, "not an owner"])
def test_anything_but_an_owner_renders_the_neutral_state(codat, owner, value):
    html = render(
        "[{% codat_status value %}][{% codat_status_badge value %}]"
        "[{% codat_connect_button value %}]{% codat_connections value as cs %}[{{ cs|length }}]",
        value=value,
        request=request_for(owner),
    )

    assert html == "[][][][0]"


def test_an_owner_with_no_company_is_not_connected(codat, owner, make_user, codat_settings):
    codat_settings["AUTO_PROVISION"] = False
    newcomer = make_user("newcomer")

    assert render("{% codat_status who %}", who=newcomer) == "Not connected"
