"""``manage.py codat_check_redirect``: ask Codat for the redirect template set in its Portal and
say whether it brings users back to the callback with what the callback reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...client import CodatError
from ...conf import codat_settings
from ...logs import describe
from ...redirect import expected, verify


class Command(BaseCommand):
    help = (
        "Check the redirect template set in Codat's Portal (GET /profile): it must send users "
        "to this site's Codat callback with {statusCode}, {connectionId} and our state "
        "parameter. Prints the template to set; the exit status is 1 when it is wrong or Codat "
        "could not be asked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            default="https://your.site",
            metavar="URL",
            help="Your site's scheme and host, for the template to set (e.g. https://app.example.com).",
        )

    def handle(self, *args: Any, site: str = "https://your.site", **options: Any) -> None:
        template = expected(site)
        try:
            verdict = verify(str(codat_settings.require("API_KEY")), codat_settings.API_BASE_URL)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        except CodatError as exc:
            raise CommandError(
                f"Could not ask Codat for its redirect template: {describe(exc)}. The template "
                f"to set is {template}"
            ) from None
        self.stdout.write(f"Codat's redirect template: {verdict.current or '(none)'}")
        if verdict.ok:
            self.stdout.write("It brings users back to the callback with what it reads.")
            return
        for problem in verdict.problems:
            self.stdout.write(f"- {problem}")
        raise CommandError(
            f"Set it in Codat's Portal (Settings > Auth flow > Redirects, or PUT /profile) to "
            f"{template}"
        )
