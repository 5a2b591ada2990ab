"""Host code written against the Codat app's public types: checked by mypy (``make
typecheck``), never run. A page's view, as the pages are written on these services."""

from datetime import datetime
from typing import assert_type

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from conductor_django.codat import services
from conductor_django.codat.models import CodatConnection
from conductor_django.codat.outcomes import Problem, ReturnKind
from conductor_django.core.provisioning import ProvisioningInProgress
from conductor_django.provisioning import ProvisioningInProgress as ConductorInProgress
from example_project.accounts.models import User


def connect(request: HttpRequest, owner: User, platform_key: str) -> HttpResponse:
    try:
        start = services.begin_link(request, owner, platform_key, next_url="/books/")
    except services.CodatProblem as problem:
        assert_type(problem.kind, Problem)
        assert_type(problem.message, str)
        assert_type(problem.retry_at, datetime | None)
        if problem.replacement is not None:
            assert_type(problem.replacement.message, str)
        return HttpResponse(problem.message, status=200)
    assert_type(start.url, str)
    assert_type(start.started.connection, CodatConnection)
    assert_type(start.started.reused, bool)
    return HttpResponseRedirect(start.url)


def back(request: HttpRequest, owner: User) -> HttpResponse:
    outcome = services.handle_return(request, owner)
    assert_type(outcome.kind, ReturnKind)
    assert_type(outcome.connected, bool)
    assert_type(outcome.back_to_picker, bool)
    return HttpResponse(outcome.message)


def page(owner: User) -> list[str]:
    rows = services.list_connections(owner)
    assert_type(rows, list[CodatConnection])
    platforms = services.platforms(query="quick")
    assert_type(platforms[0].branded_button_required, bool)
    return [services.sync_words(row) or services.error_words(row) for row in rows]


def held(exc: ConductorInProgress) -> ProvisioningInProgress:
    # Each provider's "being set up" is the core's, with its retry_at and held.
    assert_type(exc.retry_at, datetime | None)
    assert_type(exc.held, bool)
    return exc
