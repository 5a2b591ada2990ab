import smtplib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from ...client import ConductorError
from ...conf import MAX_LINK_EXPIRY_MINUTES, MIN_LINK_EXPIRY_MINUTES
from ...emails import deliver_connection_link, expiry_minutes_or_default, owner_email
from ...provisioning import ProvisioningInProgress
from ...types import OwnerT
from ..base import OwnerCommand


class Command(OwnerCommand):
    help = (
        "Email an owner (a user, or the CONDUCTOR['OWNER_MODEL'] model) a link to connect "
        "QuickBooks Desktop, as the admin action does. The link is a bearer credential: whoever "
        "opens it can connect a company file to the owner's account until it expires, so it is "
        "only emailed and never printed, unless --print-url is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "owner",
            help=(
                "The owner: its primary key, username, email address or Conductor end-user ID. "
                "A value that matches more than one owner is refused."
            ),
        )
        parser.add_argument(
            "--to",
            metavar="EMAIL",
            help="Send the link to this address (e.g. the bookkeeper) instead of the owner's.",
        )
        parser.add_argument(
            "--expiry-minutes",
            type=int,
            metavar="MINUTES",
            help=(
                f"How long the link works, {MIN_LINK_EXPIRY_MINUTES} to "
                f"{MAX_LINK_EXPIRY_MINUTES} minutes (default: the "
                "CONDUCTOR['EMAIL_LINK_EXPIRY_MINUTES'] setting, 1440)."
            ),
        )
        parser.add_argument(
            "--print-url",
            action="store_true",
            help=(
                "Also print the link on stdout. It is a credential: do not paste it where "
                "others can read it (tickets, chat, shell history, CI logs)."
            ),
        )
        self.add_model_argument(parser)

    def handle(
        self,
        *args: Any,
        to: str | None = None,
        expiry_minutes: int | None = None,
        print_url: bool = False,
        **options: Any,
    ) -> None:
        model = self.owner_model(options.get("model"))
        owner = self.find_owner(model, options["owner"])
        try:
            minutes = expiry_minutes_or_default(expiry_minutes)
        except ValueError as exc:
            raise CommandError(f"--expiry-minutes: {exc}") from None
        to = to or owner_email(owner)
        if not to:
            raise CommandError(f"{owner} has no email address; give one with --to.")
        try:
            link = deliver_connection_link(owner, to=to, expiry_minutes=minutes)
        except ProvisioningInProgress:
            raise CommandError(
                f"The Conductor end-user of {owner} is being created right now; try again in a "
                "minute."
            ) from None
        except ConductorError as exc:
            raise CommandError(f"Conductor did not create the link: {exc}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise CommandError(f"The email to {to} could not be sent: {exc}") from None
        expires = timezone.localtime(link.record.expires_at).isoformat(timespec="minutes")
        self.stdout.write(
            f"Sent a QuickBooks Desktop connection link for {owner} to {to}; it works until "
            f"{expires} (auth session {link.record.auth_session_id})."
        )
        if print_url:
            self.stderr.write(
                "The link below is a credential: anyone who opens it can connect QuickBooks "
                "to this account."
            )
            self.stdout.write(link.auth_flow_url)

    def find_owner(self, model: type[OwnerT], identifier: str) -> OwnerT:
        lookups = Q(conductor_end_user_id=identifier)
        try:
            model._meta.pk.to_python(identifier)
            lookups |= Q(pk=identifier)
        except ValidationError:
            pass
        names = {field.name for field in model._meta.get_fields()}
        username_field = getattr(model, "USERNAME_FIELD", None)
        if username_field in names:
            lookups |= Q(**{username_field: identifier})
        email_field = getattr(model, "EMAIL_FIELD", "email")
        if email_field in names and "@" in identifier:
            lookups |= Q(**{f"{email_field}__iexact": identifier})
        matches = list(model._default_manager.filter(lookups)[:2])
        if not matches:
            raise CommandError(f"No {model._meta.verbose_name} matches {identifier!r}.")
        if len(matches) > 1:
            raise CommandError(
                f"{identifier!r} matches more than one {model._meta.verbose_name}; "
                "give the primary key."
            )
        return matches[0]
