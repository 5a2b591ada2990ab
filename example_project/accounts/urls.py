from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("log-in/", auth_views.LoginView.as_view(), name="login"),
    path("log-out/", auth_views.LogoutView.as_view(), name="logout"),
]
