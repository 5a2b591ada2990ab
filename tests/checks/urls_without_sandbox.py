"""A production URLconf: the app, and no sandbox."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("quickbooks/", include("conductor_django.urls")),
]
