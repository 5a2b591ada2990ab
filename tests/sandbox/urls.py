"""Only the sandbox, mounted where the example project mounts it, so these tests do not depend on
the rest of the package's URLs."""

from django.urls import include, path

urlpatterns = [path("sandbox/", include("conductor_django.sandbox.urls"))]
