"""Codat in the admin: the records read-only with their filters, and the owner actions, each
behind its own permission, reporting every row."""

import pytest
from django.contrib.auth.models import Permission

from conductor_django.codat.connections import refresh_connections
from conductor_django.codat.models import CodatConnection
from conductor_django.core.provisioning import provisioning_disabled

from ..admin.support import messages_of, run_action

pytestmark = pytest.mark.django_db
USERS = "/admin/accounts/user/"


@pytest.fixture
def staff(django_user_model, codat):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    return user


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_create_missing_companies_reports_each_row(codat, admin_client, make_user, owner):
    with provisioning_disabled():
        bob = make_user("bob")
    assert bob.codat_company_id is None

    response = run_action(admin_client, "create_codat_companies", [owner, bob])

    bob.refresh_from_db()
    assert messages_of(response) == [
        ("INFO", f"alice: already had Codat company {owner.codat_company_id}."),
        ("SUCCESS", f"bob: created Codat company {bob.codat_company_id}."),
    ]


def test_refresh_reports_what_codat_said(codat, admin_client, owner, make_user):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    with provisioning_disabled():
        bob = make_user("bob")
    codat.outage(503, times=3)  # the first refresh (alice) fails, retries included

    response = run_action(admin_client, "refresh_codat_connections", [owner, bob])

    assert messages_of(response) == [
        (
            "ERROR",
            "alice: could not refresh its connections: We could not reach the accounting "
            "connection service right now. Please try again in a few minutes.",
        ),
        ("WARNING", "bob: has no Codat company yet; nothing to refresh."),
    ]
    response = run_action(admin_client, "refresh_codat_connections", [owner])
    assert messages_of(response) == [("SUCCESS", "alice: 1 connection, 1 connected.")]


def test_the_actions_need_their_own_permission(codat, client, django_user_model, owner):
    staff = django_user_model.objects.create_user("support", "s@example.com", "pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_user"))
    client.force_login(staff)

    page = client.get(USERS).content.decode()
    assert "create_codat_companies" not in page and "refresh_codat_connections" not in page

    staff.user_permissions.add(Permission.objects.get(codename="refresh_codat_connections"))
    page = client.get(USERS).content.decode()
    assert "refresh_codat_connections" in page and "create_codat_companies" not in page


def test_the_change_page_shows_the_recorded_connections_without_calling_codat(
    codat, admin_client, owner
):
    codat.add_connection(owner.codat_company_id, "gbol", status="Deauthorized")
    refresh_connections(owner)
    calls = len(codat.calls)

    page = admin_client.get(f"{USERS}{owner.pk}/change/").content.decode()

    assert "Accounting platforms (Codat)" in page
    assert owner.codat_company_id in page
    assert "Xero: Access revoked or expired" in page
    assert "Reconnect it to resume syncing" in page
    assert len(codat.calls) == calls


def test_the_records_are_read_only_with_filters(codat, admin_client, owner):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    refresh_connections(owner)
    row = CodatConnection.objects.get()
    base = "/admin/conductor_codat/codatconnection/"

    listing = admin_client.get(base, {"status": "Linked", "deleted": "no"})
    change = admin_client.get(f"{base}{row.pk}/change/")

    assert listing.status_code == 200 and "Xero" in listing.content.decode()
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert admin_client.get(f"{base}add/").status_code == 403
    links = admin_client.get("/admin/conductor_codat/codatlink/", {"outcome": "pending"})
    assert links.status_code == 200


def test_no_link_url_or_key_in_the_admin(codat, admin_client, owner, codat_settings):
    connection = codat.add_connection(owner.codat_company_id, "gbol")
    refresh_connections(owner)
    row = CodatConnection.objects.get()

    page = admin_client.get(f"/admin/conductor_codat/codatconnection/{row.pk}/change/")

    assert connection["linkUrl"] not in page.content.decode()
    assert codat_settings["API_KEY"] not in page.content.decode()
