"""Pages that exist only to be measured against the app's own."""

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from conductor_django.codat import integrations
from conductor_django.codat.conf import codat_settings
from conductor_django.codat.connections import page_cache_keys
from conductor_django.codat.webhooks import events
from conductor_django.codat.webhooks.verify import verifiers, verify
from conductor_django.codat.webhooks.views import store


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


@csrf_exempt
@require_POST
def webhook_floor(request):
    """The webhook endpoint's floor: same decorators, reads the body, answers 204."""
    request.body  # noqa: B018 (reading it is the point)
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def webhook_stored(request):
    """The least an endpoint that keeps each event before answering does: the webhook
    endpoint's verification and its one insert, with no processing queued."""
    body = request.body
    verified = verify(body, request.headers, verifiers(codat_settings.webhook_secrets))
    store(verified, events.parse(body))
    return HttpResponse(status=204)


@never_cache
@login_required
@require_safe
def codat_floor(request):
    """The Codat connections page's floor: same decorators, same base template, same markup."""
    return render(request, "bench/codat_floor.html")


@never_cache
@login_required
@require_safe
def codat_floor_read(request):
    """The floor plus the one cache read of a warm connections page: the least a page showing
    what other processes recorded (a webhook, a worker) does."""
    keys = [*page_cache_keys(request.user), integrations.cache_key()]
    caches[codat_settings.CACHE_ALIAS].get_many(keys)
    return render(request, "bench/codat_floor.html")
