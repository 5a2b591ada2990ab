from django.urls import path

from . import views

app_name = "conductor_django"

urlpatterns = [
    path("", views.connection_settings, name="settings"),
    path("status/", views.status, name="status"),
    path("callback/", views.callback, name="callback"),
    path("disconnect/", views.disconnect, name="disconnect"),
]
