"""A chromium tab for a test, against the live app."""

import os
from contextlib import contextmanager

from django import db

from .chromium import CHROMIUM, CHROMIUM_ARGS


@contextmanager
def browser_tab(sync_api, base_url, **context_options):
    """A new tab of Debian's chromium in a fresh context (``context_options`` as Playwright's
    ``new_context`` takes them, e.g. ``java_script_enabled=False``)."""
    # Playwright's sync API keeps an event loop in this thread, which trips Django's async-unsafe
    # guard for the ORM calls the test makes (and the database teardown) while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=base_url, **context_options)
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()
                # Django keeps connections per context, and the ORM calls the test made ran in
                # Playwright's: close those here, or their sessions outlive the test database.
                db.connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
