"""The app's stylesheet in a host's layout, in chromium: linked by the example project's own
base.html, it restyles the app's markup and leaves every element of the host's untouched, in
light and dark mode."""

import pytest

from conductor_django.sandbox import control

from .test_browser import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.live]

# Computed styles of every element outside the app's roots, with the stylesheet on and off.
SNAPSHOT = """
() => {
  const roots = '.conductor, .conductor-badge, .conductor-button';
  const props = ['color', 'background-color', 'font-family', 'font-size', 'font-weight',
    'line-height', 'margin-top', 'margin-bottom', 'padding-top', 'padding-left',
    'border-top-width', 'border-top-color', 'display', 'list-style-type', 'box-sizing'];
  const style = (e) => props.map((p) => getComputedStyle(e).getPropertyValue(p)).join('|');
  const host = () => [...document.querySelectorAll('html, html *')]
    .filter((e) => !e.closest(roots)).map((e) => `${e.tagName}: ${style(e)}`);
  const app = () => [...document.querySelectorAll(roots)].map(style);
  const link = document.querySelector('link[href$="conductor_django/conductor.css"]');
  const styled = {host: host(), app: app()};
  link.disabled = true;
  const bare = {host: host(), app: app()};
  link.disabled = false;
  return {styled, bare};
}
"""


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_stylesheet_restyles_the_app_and_nothing_of_the_host(app, page, color_scheme):
    page.emulate_media(color_scheme=color_scheme)
    sign_up(page, "lee", "Lee's Ledgers")
    [end_user] = control.end_users()
    control.set_scenario(end_user["id"], "connected")

    for path in ("/", "/quickbooks/"):  # the tags in the host's dashboard; the settings page
        page.goto(path)
        snapshot = page.evaluate(SNAPSHOT)

        assert len(snapshot["styled"]["host"]) > 10  # the host's nav, forms, body...
        assert snapshot["styled"]["host"] == snapshot["bare"]["host"]
        assert snapshot["styled"]["app"]  # the app's markup is on the page
        assert snapshot["styled"]["app"] != snapshot["bare"]["app"]
    page.shoot(f"settings-in-host-{color_scheme}")
