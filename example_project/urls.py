from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("quickbooks/", include("conductor_django.urls")),
    # The Codat pages; the Portal's redirect template points at codat/return/.
    path("codat/", include("conductor_django.codat.urls")),
    path("", include("example_project.accounts.urls")),
]

# The JSON API needs djangorestframework (the `drf` extra); the rest of the app does not.
if find_spec("rest_framework"):
    urlpatterns.append(path("api/quickbooks/", include("conductor_django.api.urls")))
    urlpatterns.append(path("api/codat/", include("conductor_django.codat.api.urls")))

if settings.SANDBOX:
    urlpatterns.append(path("sandbox/", include("conductor_django.sandbox.urls")))
    urlpatterns.append(path("codat-sandbox/", include("conductor_django.codat.sandbox.urls")))
