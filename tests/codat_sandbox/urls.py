"""Only the Codat sandbox, mounted where the example project mounts it."""

from django.urls import include, path

urlpatterns = [path("codat-sandbox/", include("conductor_django.codat.sandbox.urls"))]
