from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("billing/quickbooks/", include("conductor_django.urls")),
    path("billing/codat/", include("conductor_django.codat.urls")),
    # The JSON API works without rest_framework in INSTALLED_APPS (the package is installed).
    # Before the Conductor API: its mount answers every other path under it with a JSON 404.
    path("billing/api/codat/", include("conductor_django.codat.api.urls")),
    path("billing/api/", include("conductor_django.api.urls")),
    path("sandbox/", include("conductor_django.sandbox.urls")),
]
