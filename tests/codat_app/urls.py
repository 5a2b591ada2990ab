"""A host that mounts a Codat callback at ``codat/return/``: the URL the Portal's redirect
template must lead to (the pages that serve it are another module's)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def callback(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


codat_patterns = ([path("return/", callback, name="callback")], "conductor_codat")
urlpatterns = [path("codat/", include(codat_patterns))]
