"""The template tags on a host's pages, in every host shape: an owner argument that is not an
owner renders the tag's neutral state, never the viewer's own status in its place, and never
takes the page down; only a tag called with no owner argument shows the viewer's own."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import RequestFactory

from conductor_django.connection import check

pytestmark = pytest.mark.django_db
LOGGER = "conductor_django.templatetags"

# Each tag, and what it renders for the viewer's own account, whose connection is broken.
TAGS = {
    "status": ("{% conductor_status ARG as qbd %}[{{ qbd.status }}]", "[error]"),
    "status written out": ("{% conductor_status ARG %}", "Error"),
    "badge": ("{% conductor_status_badge ARG %}", 'data-conductor-status="error"'),
    "button": ('{% conductor_connect_button ARG next_url="/x/" %}', "Reconnect QuickBooks"),
    "message": ("{% conductor_user_message ARG %}", "QuickBooks Web Connector"),
}
# Each tag's neutral state: what it renders for no owner at all.
NEUTRAL = {
    "status": "[]",
    "status written out": "",
    "badge": "",
    "button": "",
    "message": "",
}


def group(owner, viewer):
    return Group.objects.create(name="Accountants")


def member_row(owner, viewer):
    # In a host where organizations own connections, the person is a row of another model.
    if viewer is owner:
        pytest.skip("here the viewer is the owner")
    return viewer


BAD_OWNERS = {
    "None": lambda owner, viewer: None,
    "an empty string": lambda owner, viewer: "",
    "a name": lambda owner, viewer: "Northwind Traders",
    "a number": lambda owner, viewer: 42,
    "a dict": lambda owner, viewer: {"pk": owner.pk},
    "a row of another model": group,
    "the viewer's user row": member_row,
}


@pytest.fixture
def viewer(shape, owner, fake_conductor):
    """The logged-in user, whose own account's connection is broken: what a bug would show."""
    fake_conductor.set_scenario(owner, "not_active")
    check(owner)
    return shape.make_user(owner)


@pytest.fixture
def page(viewer):
    """Render one tag as the viewer's page would, with ``org`` in its context."""

    def render(tag, arg="org", **context):
        request = RequestFactory().get("/")
        request.user = viewer
        source, _viewers_own = TAGS[tag]
        text = "{% load conductor %}" + source.replace("ARG", arg).replace("  ", " ")
        return Template(text).render(Context({"request": request, **context})).strip()

    return render


@pytest.mark.parametrize("tag", sorted(TAGS))
def test_no_argument_at_all_shows_the_viewers_own_account(page, tag):
    assert TAGS[tag][1] in page(tag, arg="")


@pytest.mark.parametrize("tag", sorted(TAGS))
def test_an_owner_argument_shows_that_owner(page, make_owner, fake_conductor, tag):
    other = make_owner("Contoso")
    fake_conductor.set_scenario(other, "connected")
    check(other)
    out = page(tag, org=other)
    assert TAGS[tag][1] not in out
    assert out != NEUTRAL[tag] or tag == "message"


@pytest.mark.parametrize("bad", sorted(BAD_OWNERS))
@pytest.mark.parametrize("tag", sorted(TAGS))
def test_an_argument_that_is_not_an_owner_renders_the_neutral_state(page, owner, viewer, tag, bad):
    value = BAD_OWNERS[bad](owner, viewer)
    assert page(tag, org=value) == NEUTRAL[tag]


@pytest.mark.parametrize("tag", sorted(TAGS))
def test_a_misspelt_variable_renders_the_neutral_state(page, owner, tag):
    # Django passes string_if_invalid ('' by default) for a variable that does not resolve.
    assert page(tag, arg="orgg", org=owner) == NEUTRAL[tag]


@pytest.mark.parametrize("marker", ["INVALID", "<missing %s>"])
@pytest.mark.parametrize("tag", sorted(TAGS))
def test_with_string_if_invalid_the_marker_shows_where_the_variable_is(
    page, owner, settings, tag, marker
):
    options = settings.TEMPLATES[0].get("OPTIONS", {})
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**options, "string_if_invalid": marker}}
    ]
    out = page(tag, arg="orgg", org=owner)
    expected = {"INVALID": "INVALID", "<missing %s>": "&lt;missing orgg&gt;"}[marker]
    if tag == "status":
        # The variable holds the marker, and {{ qbd.status }} on it is itself invalid.
        assert out.startswith("[") and "error" not in out
    else:
        assert out == expected


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("tag", sorted(TAGS))
def test_a_warning_names_the_tag_when_debug_is_on(page, settings, caplog, tag, debug):
    settings.DEBUG = debug
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        page(tag, org=None)
    warnings = [r for r in caplog.records if r.name == LOGGER]
    if not debug:
        assert warnings == []
        return
    [warning] = warnings
    assert warning.levelno == logging.WARNING
    name = TAGS[tag][0].split()[1]
    assert f"{{% {name} %}} got None for its owner" in warning.getMessage()


def test_the_warning_names_the_kind_of_argument_never_its_value(page, owner, settings, caplog):
    settings.DEBUG = True
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        page("badge", org="Northwind Traders")
        page("badge", org=Group.objects.create(name="Payroll"))
        page("badge", arg="orgg")
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert "got a str" in messages[0] and "Northwind" not in messages[0]
    assert "got a row of auth.Group" in messages[1] and "Payroll" not in messages[1]
    assert "got an empty string (a variable that did not resolve?)" in messages[2]
