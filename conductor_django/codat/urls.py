"""The Codat pages (``include("conductor_django.codat.urls")``, namespace ``conductor_codat``).

Mount them where the Portal's redirect template points: ``<mount>return/`` is the callback
(``conductor_codat:callback``)."""

from django.urls import path

from . import views

app_name = "conductor_codat"

urlpatterns = [
    path("", views.connections, name="connections"),
    path("connect/", views.picker, name="picker"),
    path("connect/start/", views.connect, name="connect"),
    path("return/", views.callback, name="callback"),
    path("<str:connection_id>/reconnect/", views.reconnect, name="reconnect"),
    path("<str:connection_id>/disconnect/", views.disconnect, name="disconnect"),
    path("<str:connection_id>/delete/", views.delete, name="delete"),
]
