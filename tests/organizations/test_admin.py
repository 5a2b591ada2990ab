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


def test_user_admin_offers_no_conductor_action_when_organizations_own(staff, team, fake_conductor):
    _org, people = team
    form = staff.get("/admin/accounts/user/").context["action_form"]
    offered = {name for name, _ in form.fields["action"].choices}
    assert offered.isdisjoint(
        {"send_connection_link", "run_health_check", "create_end_users", "disconnect_quickbooks"}
    )
    calls = len(fake_conductor.calls)

    response = staff.post(
        "/admin/accounts/user/",
        {"action": "create_end_users", "_selected_action": [people["ann"].pk], "index": 0},
        follow=True,
    )

    assert "No action selected." in response.content.decode()
    assert len(fake_conductor.calls) == calls
    people["ann"].refresh_from_db()
    assert people["ann"].conductor_end_user_id is None


def test_user_change_page_says_users_get_no_end_user(staff, team):
    _org, people = team
    page = staff.get(f"/admin/accounts/user/{people['ann'].pk}/change/").content.decode()
    assert "Rows of this model get no Conductor end-user: the owner model is organization." in page


def test_create_end_users_on_organizations_reports_per_row(staff, team, fake_conductor):
    org, _people = team
    response = staff.post(
        "/admin/organizations/organization/",
        {"action": "create_end_users", "_selected_action": [org.pk], "index": 0},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert texts == [f"Acme Books: already had Conductor end-user {org.conductor_end_user_id}."]
