"""Turning whatever a service call meets into ``CodatProblem``: Codat's errors, a missing API
key, a company being created."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from ..core.owners import NotAnOwnerError
from .client import CodatError
from .outcomes import CodatProblem, Problem, from_error, not_configured
from .provisioning import ProvisioningInProgress


@contextmanager
def problems(owner: Model | None, doing: str) -> Iterator[None]:
    """Inside this block, Codat's failures become ``CodatProblem`` (logged once, naming the
    owner and what was being done). A row that is not an owner stays a programming error."""
    try:
        yield
    except CodatProblem:
        raise
    except NotAnOwnerError:
        raise
    except ProvisioningInProgress as exc:
        raise CodatProblem(Problem.SETTING_UP, retry_at=exc.retry_at) from None
    except ImproperlyConfigured as exc:
        raise not_configured(exc) from None
    except CodatError as exc:
        raise from_error(exc, owner, doing) from None
