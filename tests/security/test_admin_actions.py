"""Admin actions that call Conductor (send links, run health checks, create end-users) refuse
staff without the matching permission: no call reaches Conductor."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse


def _conductor_actions():
    found = []
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            if name != "delete_selected":
                found.append((model, name))
    return [
        (model, name)
        for model, name in found
        if model._meta.app_label == "conductor_django"
        or "conductor" in name
        or name in ("send_connection_link", "run_health_check", "create_end_users")
    ]


def test_actions_refuse_staff_without_the_permission(user, fake_conductor, django_user_model):
    actions = _conductor_actions()
    if not actions:
        pytest.skip("no Conductor admin actions are registered")
    staff = django_user_model.objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    # Staff who may look at everything, but hold none of the app's custom permissions.
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(staff)
    calls = len(fake_conductor.calls)

    for model, name in actions:
        opts = model._meta
        objects = list(model._default_manager.values_list("pk", flat=True)[:5]) or [user.pk]
        response = client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            {"action": name, "_selected_action": [str(pk) for pk in objects]},
        )
        assert response.status_code in (200, 302, 403), (name, response.status_code)

    assert len(fake_conductor.calls) == calls
