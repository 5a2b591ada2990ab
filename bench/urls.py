"""The example project's URLs plus the floors the benchmarks compare against."""

from django.urls import path

from example_project.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/floor/", views.floor, name="bench_floor"),
    path("bench/tags/", views.tags, name="bench_tags"),
    path("bench/codat-floor/", views.codat_floor, name="bench_codat_floor"),
    *project_urlpatterns,
]
