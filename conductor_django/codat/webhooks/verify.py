"""Checking a delivery's signature with the Standard Webhooks reference library, over the raw
body, against each configured secret in turn (two during a rotation).

The library rejects a missing header, a timestamp more than five minutes from now (a replay)
and a signature made with another secret; a malformed header or a body that is not UTF-8 makes
it raise ``ValueError``, which is a refusal too.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Refused(Exception):
    """The delivery is not Codat's, or not now: ``reason`` says why, without any secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    webhook_id: str
    signed_at: datetime
    #: Which secret verified it, 1 for the first.
    secret_number: int


def verifiers(secrets: Sequence[str]) -> list[Webhook]:
    """One verifier per secret; raises ``ValueError`` for a secret that is not base64."""
    found = []
    for secret in secrets:
        try:
            found.append(Webhook(secret))
        except (binascii.Error, ValueError, RuntimeError) as exc:
            raise ValueError("a webhook secret is not a whsec_ base64 secret") from exc
    return found


def verify(body: bytes, headers: Mapping[str, str], checkers: Sequence[Webhook]) -> Verified:
    """The delivery's id and signing time when one secret's signature matches; else
    ``Refused``."""
    given = {name: headers.get(name, "") for name in HEADERS}
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise Refused(f"missing {', '.join(missing)} header")
    reason = "no secret is configured"
    for number, checker in enumerate(checkers, start=1):
        try:
            checker.verify(body, given, json_parse=False)
        except WebhookVerificationError as exc:
            reason = _words(str(exc))
            if reason != "signature does not match":
                break  # a stale or future timestamp fails the same way for every secret
            continue
        except ValueError:
            # A signature entry without "v1," or not base64, or a body that is not UTF-8.
            reason = "malformed signature header or body"
            break
        stamp = datetime.fromtimestamp(float(given["webhook-timestamp"]), tz=UTC)
        return Verified(given["webhook-id"], stamp, number)
    raise Refused(reason)


def _words(message: str) -> str:
    return {
        "Message timestamp too old": "timestamp outside the tolerance (too old: a replay?)",
        "Message timestamp too new": "timestamp outside the tolerance (in the future)",
        "Invalid Signature Headers": "malformed webhook-timestamp header",
        "No matching signature found": "signature does not match",
    }.get(message, message)
