"""The example project's URLs plus the floors the benchmarks compare against."""

from django.contrib.staticfiles.views import serve
from django.urls import path

from example_project.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/floor/", views.floor, name="bench_floor"),
    path("bench/tags/", views.tags, name="bench_tags"),
    path("bench/webhook-floor/", views.webhook_floor, name="bench_webhook_floor"),
    path("bench/webhook-stored/", views.webhook_stored, name="bench_webhook_stored"),
    path("bench/codat-floor/", views.codat_floor, name="bench_codat_floor"),
    path("bench/codat-floor-read/", views.codat_floor_read, name="bench_codat_floor_read"),
    # DEBUG is off: the app's stylesheet and script, as a production static server would.
    path("static/<path:path>", serve, {"insecure": True}),
    *project_urlpatterns,
]
