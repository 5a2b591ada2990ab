"""The app's stylesheet: shipped as a static file, linked from the app's own layout in a block a
host can drop, and scoped so that a host linking it in its own layout sees none of its markup
restyled (every selector starts at one of the app's own classes)."""

import re

import pytest
import tinycss2
from django.contrib.staticfiles import finders
from django.template.backends.django import DjangoTemplates

STYLESHEET = "conductor_django/conductor.css"
# The roots of the app's markup: each page's element with class "conductor", and the tags'
# badge and button, which sit in a host's own pages.
ROOT_CLASS = re.compile(r"^\.conductor(-badge|-button)?(?![\w-])")
FIRST_COMPOUND = re.compile(r"^[^\s>+~]+")


def stylesheet_rules():
    path = finders.find(STYLESHEET)
    assert path, f"{STYLESHEET} is not found by the static files finders"
    with open(path, encoding="utf-8") as css:
        return tinycss2.parse_stylesheet(css.read(), skip_comments=True, skip_whitespace=True)


def selectors(rules, at_rules):
    for rule in rules:
        if rule.type == "at-rule":
            at_rules.append(rule.lower_at_keyword)
            if rule.content is not None:
                inner = tinycss2.parse_rule_list(rule.content, True, True)
                yield from selectors(inner, at_rules)
        elif rule.type == "qualified-rule":
            for selector in tinycss2.serialize(rule.prelude).split(","):
                yield " ".join(selector.split())
        else:
            raise AssertionError(f"cannot parse the stylesheet: {rule!r}")


def test_every_selector_starts_at_one_of_the_apps_own_classes():
    at_rules = []
    found = list(selectors(stylesheet_rules(), at_rules))

    assert len(found) > 20  # the parse saw the stylesheet, not an empty file
    unscoped = [s for s in found if not ROOT_CLASS.match(FIRST_COMPOUND.match(s).group())]
    assert unscoped == []
    # No @import (another file's rules), @font-face (a download), @layer or @property (global).
    assert set(at_rules) <= {"media"}


def test_no_bare_element_selector_inside_the_root():
    # `.conductor-badge p` would be scoped but could reach host markup passed into a tag; the
    # only descendants styled are the app's own classes or elements of the app's pages.
    found = list(selectors(stylesheet_rules(), []))
    tag_roots = [s for s in found if s.startswith((".conductor-badge", ".conductor-button"))]
    assert all(" " not in s for s in tag_roots)


def bare_templates():
    """The app's own templates only, as in a project that overrides none of them."""
    return DjangoTemplates({"NAME": "bare", "DIRS": [], "APP_DIRS": True, "OPTIONS": {}})


def render(template, **context):
    return bare_templates().get_template(template).render(context)


def test_the_apps_layout_links_the_stylesheet_in_a_block_a_host_can_drop():
    html = render("conductor_django/callback_error.html", reason="expired", error="Expired.")

    assert html.count('href="/static/conductor_django/conductor.css"') == 1
    assert '<main class="conductor conductor-page">' in html
    assert 'class="conductor conductor-callback-error"' in html

    dropped = (
        bare_templates()
        .from_string(
            '{% extends "conductor_django/base.html" %}{% block conductor_styles %}{% endblock %}'
        )
        .render({})
    )
    assert "conductor.css" not in dropped


@pytest.mark.django_db
def test_pages_inside_a_hosts_layout_keep_their_root_class(client, django_user_model):
    # tests.settings is the example project, whose conductor_django/base.html extends its own
    # base.html: the app's markup must still carry the root class the stylesheet is scoped to.
    user = django_user_model.objects.create_user("ann", "ann@example.com", "pw")
    client.force_login(user)

    html = client.get("/quickbooks/callback/").content.decode()

    assert "<nav>" in html  # the host's layout
    assert 'class="conductor conductor-callback-error"' in html
    assert html.count("conductor.css") == 1  # the host's own link; the app's block is gone
