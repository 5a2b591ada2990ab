"""Pages that exist only to be measured against the app's own."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@login_required
@require_safe
def floor(request):
    """The settings page's floor: same decorators, same base template, same markup, no app code."""
    return render(request, "bench/floor.html")


@never_cache
@login_required
@require_safe
def tags(request):
    """A host page using the app's template tags ``?n=`` times each (default 1)."""
    try:
        count = max(1, min(100, int(request.GET.get("n", 1))))
    except ValueError:
        count = 1
    return render(request, "bench/tags.html", {"repeat": range(count)})


@never_cache
@login_required
@require_safe
def codat_floor(request):
    """The Codat connections page's floor: same decorators, same base template, same markup."""
    return render(request, "bench/codat_floor.html")
