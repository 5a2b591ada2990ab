"""Emailing an owner a link to connect QuickBooks Desktop, for the admin action and the command.

The link (Conductor's ``authFlowUrl``) is a bearer credential: whoever opens it can connect a
company file to the owner's account. It goes into the email and nowhere else; the record kept
(``AuthSessionRecord``) holds who it was sent to and when it expires, never the URL.

The message comes from three templates a host can override:
``conductor_django/email/connection_link_subject.txt`` (one line),
``conductor_django/email/connection_link.txt`` and ``conductor_django/email/connection_link.html``.
Their context: ``owner``, ``company_name``, ``auth_flow_url``, ``expires_at``, ``expiry_minutes``,
``issued_by`` (the staff user, or None) and ``recipient``.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import connection
from .conf import MAX_LINK_EXPIRY_MINUTES, MIN_LINK_EXPIRY_MINUTES, app_settings
from .connection import IssuedLink
from .models import AuthSessionRecord, ConductorEndUserMixin
from .owners import end_user_fields

TEMPLATE_PREFIX = "conductor_django/email/connection_link"


def owner_email(owner: ConductorEndUserMixin) -> str:
    """The address an owner's link goes to by default (the ``EMAIL_GETTER`` setting applies)."""
    email: str = end_user_fields(owner)["email"]
    return email


def expiry_minutes_or_default(expiry_minutes: int | None = None) -> int:
    """The link lifetime to use: ``expiry_minutes`` checked against Conductor's bounds, or the
    ``EMAIL_LINK_EXPIRY_MINUTES`` setting. Raises ``ValueError`` when out of bounds."""
    if expiry_minutes is None:
        default: int = app_settings.link_expiry("EMAIL_LINK_EXPIRY_MINUTES")
        return default
    if not MIN_LINK_EXPIRY_MINUTES <= expiry_minutes <= MAX_LINK_EXPIRY_MINUTES:
        raise ValueError(
            f"A link must expire in {MIN_LINK_EXPIRY_MINUTES} to {MAX_LINK_EXPIRY_MINUTES} "
            f"minutes; {expiry_minutes} is out of range."
        )
    return expiry_minutes


def deliver_connection_link(
    owner: ConductorEndUserMixin,
    *,
    to: str,
    issued_by: AbstractBaseUser | None = None,
    expiry_minutes: int | None = None,
) -> IssuedLink:
    """Create an auth session for the owner and email its link to ``to``.

    Returns the ``IssuedLink`` (record and URL). Raises ``ConductorError`` when Conductor fails
    (nothing is sent), ``ProvisioningInProgress`` when the owner's end-user is being created
    right now, and whatever the email backend raises when sending fails (the session then
    exists, unused, and expires on its own).
    """
    if not to:
        raise ValueError("A connection link needs an address to go to.")
    minutes = expiry_minutes_or_default(expiry_minutes)
    link: IssuedLink = connection.issue_auth_session(
        owner,
        reason=AuthSessionRecord.Reason.EMAILED_LINK,
        issued_by=issued_by,
        expiry_minutes=minutes,
        sent_to=to,
    )
    context: dict[str, Any] = {
        "owner": owner,
        "company_name": end_user_fields(owner)["company_name"],
        "auth_flow_url": link.auth_flow_url,
        "expires_at": link.record.expires_at,
        "expiry_minutes": minutes,
        "issued_by": issued_by,
        "recipient": to,
    }
    subject: str = render_to_string(f"{TEMPLATE_PREFIX}_subject.txt", context)
    # A header must be one line, whatever an overriding template does.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject, render_to_string(f"{TEMPLATE_PREFIX}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE_PREFIX}.html", context), "text/html")
    message.send()
    return link


def send_connection_link(
    owner: ConductorEndUserMixin,
    *,
    to: str,
    issued_by: AbstractBaseUser | None = None,
    expiry_minutes: int | None = None,
) -> AuthSessionRecord:
    """Email the owner's connection link to ``to``; returns the ``AuthSessionRecord``."""
    return deliver_connection_link(
        owner, to=to, issued_by=issued_by, expiry_minutes=expiry_minutes
    ).record
