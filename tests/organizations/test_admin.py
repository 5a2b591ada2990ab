import pytest

from conductor_django.connection import check

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_organization_change_page_shows_its_connection(staff, team, fake_conductor):
    org, _people = team
    fake_conductor.set_scenario(org, "connected")
    check(org)
    page = staff.get(f"/admin/organizations/organization/{org.pk}/change/").content.decode()
    assert org.conductor_end_user_id in page
    assert "Connected, last checked" in page
    assert "ann" in page and "max" in page


def test_health_check_action_on_organizations(staff, team, fake_conductor):
    org, _people = team
    fake_conductor.set_scenario(org, "not_active")
    response = staff.post(
        "/admin/organizations/organization/",
        {"action": "run_health_check", "_selected_action": [org.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "INTEGRATION_CONNECTION_NOT_ACTIVE" in response.content.decode()
