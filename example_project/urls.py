from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("quickbooks/", include("conductor_django.urls")),
    path("", include("example_project.accounts.urls")),
]

if settings.SANDBOX:
    urlpatterns.append(path("sandbox/", include("conductor_django.sandbox.urls")))
