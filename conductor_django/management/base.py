"""What the app's management commands share: choosing the owner model, and a progress line."""

import threading
from typing import cast

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from ..models import ConductorEndUserMixin
from ..owners import is_owner_model, owner_model

MAX_CONCURRENCY = 32


class OwnerCommand(BaseCommand):
    def add_model_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--model",
            metavar="APP_LABEL.MODEL",
            help=(
                "The owner model, which must be the one the CONDUCTOR['OWNER_MODEL'] setting "
                "names (by default the user model): only its rows get end-users."
            ),
        )

    def add_concurrency_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=int,
            default=4,
            metavar="N",
            help=(
                f"How many owners to work on at once (1 to {MAX_CONCURRENCY}; default 4). Each "
                "owner's requests are sent one after another, as QuickBooks serves one request "
                "per company file at a time."
            ),
        )

    def owner_model(self, label: str | None) -> type[ConductorEndUserMixin]:
        if not label:
            # E007 reports an owner model without the mixin before any command runs.
            return cast(type[ConductorEndUserMixin], owner_model())
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError) as exc:
            raise CommandError(f"--model {label}: {exc}") from None
        if not any(field.name == "conductor_end_user_id" for field in model._meta.get_fields()):
            raise CommandError(
                f"--model {label}: {model._meta.label} does not use ConductorEndUserMixin."
            )
        if not is_owner_model(model):
            raise CommandError(
                f"--model {label}: {model._meta.label} is not the owner model "
                f"({owner_model()._meta.label}), so its rows get no Conductor end-user. Leave "
                "--model out, or set CONDUCTOR['OWNER_MODEL'] to it."
            )
        # It has the mixin's field, which is all the commands use of the mixin.
        return cast(type[ConductorEndUserMixin], model)

    def check_concurrency(self, concurrency: int) -> int:
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise CommandError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}.")
        return concurrency


class Progress:
    """A line per 10% done (or per row when there are few) on a stream, e.g. stderr, so the
    summary on stdout stays clean for scripts."""

    def __init__(self, total: int, stream: OutputWrapper, verb: str) -> None:
        self.total = total
        self.stream = stream
        self.verb = verb
        self.done = 0
        self._last_tenth = 0
        self._lock = threading.Lock()

    def step(self) -> None:
        with self._lock:
            self.done += 1
            tenth = self.done * 10 // max(self.total, 1)
            if tenth > self._last_tenth or self.done == self.total:
                self._last_tenth = tenth
                percent = min(100, self.done * 100 // max(self.total, 1))
                self.stream.write(f"{self.verb} {self.done}/{self.total} ({percent}%)")
