"""What a QuickBooks Desktop health check answers for each connection scenario.

A connection is in exactly one scenario (``models.Scenario``):

- ``not_set_up``: the auth flow was never completed → 409 ``INTEGRATION_CONNECTION_NOT_SET_UP``.
- ``connected``: ``{"duration": <ms>, "status": "ok"}``.
- ``qbd_not_running``: 502 ``QBD_CONNECTION_ERROR``, ``integrationCode`` ``0x80040408``.
- ``not_active``: 502 ``INTEGRATION_CONNECTION_NOT_ACTIVE`` (PC off / Web Connector not running).
- ``permission_denied``: 502 ``QBD_CONNECTION_ERROR``, ``integrationCode`` ``0x80040420``, what
  choosing the wrong option in QuickBooks' permission prompt leads to.
- ``slow``: sleeps ``slow_seconds``, then ok.
"""

import time
from collections.abc import Callable
from typing import TypedDict

from django.utils import timezone

from ..client.catalog import HEALTH_CHECK_ERRORS, NOT_SET_UP_USER_MESSAGE, HealthCheckProblem
from ..client.objects import HealthCheckObject
from . import errors
from .models import EndUser, IntegrationConnection, Scenario


class _Failure(TypedDict):
    status: int
    code: str
    message: str
    user_facing_message: str
    integration_code: str | None


def _failure(name: HealthCheckProblem) -> _Failure:
    status, code, _type, integration_code, message, user_facing = HEALTH_CHECK_ERRORS[name]
    return _Failure(
        status=status,
        code=code,
        message=message,
        user_facing_message=user_facing,
        integration_code=integration_code,
    )


# What Conductor answers in each failing state, from the catalog the client's tests share.
_FAILURES: dict[str, _Failure] = {
    Scenario.QBD_NOT_RUNNING: _failure("qbd_not_running"),
    Scenario.NOT_ACTIVE: _failure("not_active"),
    Scenario.PERMISSION_DENIED: _failure("permission_denied"),
}


def not_set_up(end_user_id: str) -> errors.ApiError:
    return errors.ApiError(
        409,
        "INTEGRATION_CONNECTION_NOT_SET_UP",
        f"The end-user {end_user_id} has not completed the QuickBooks Desktop auth flow: create "
        "an auth session and send them to its authFlowUrl.",
        type=errors.INTEGRATION_CONNECTION_ERROR,
        user_facing_message=NOT_SET_UP_USER_MESSAGE,
    )


def health_check(
    end_user: EndUser,
    connection: IntegrationConnection | None,
    sleep: Callable[[float], object] = time.sleep,
) -> HealthCheckObject:
    """Run a health check against ``connection`` (None: never started); return the body or raise
    ``errors.ApiError``. Touches ``lastRequestAt`` / ``lastSuccessfulRequestAt`` like Conductor."""
    started = time.monotonic()
    if connection is None or connection.scenario == Scenario.NOT_SET_UP:
        raise not_set_up(end_user.id)
    if connection.scenario == Scenario.SLOW and connection.slow_seconds > 0:
        sleep(connection.slow_seconds)
    now = timezone.now()
    failure = _FAILURES.get(connection.scenario)
    if failure:
        type(connection).objects.filter(pk=connection.pk).update(last_request_at=now)
        raise errors.ApiError(
            failure["status"],
            failure["code"],
            failure["message"],
            type=errors.INTEGRATION_CONNECTION_ERROR,
            user_facing_message=failure["user_facing_message"],
            integration_code=failure["integration_code"],
        )
    type(connection).objects.filter(pk=connection.pk).update(
        last_request_at=now, last_successful_request_at=now
    )
    return {"duration": int((time.monotonic() - started) * 1000), "status": "ok"}
