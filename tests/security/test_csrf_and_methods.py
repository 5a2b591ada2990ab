"""State changes happen only on POST, and only with a valid CSRF token."""

import pytest
from django.test import Client


@pytest.fixture
def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_disconnect_without_csrf_token_is_refused_and_changes_nothing(
    csrf_client, user, fake_conductor
):
    response = csrf_client.post("/quickbooks/disconnect/")

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.conductor_end_user_id
    assert fake_conductor.count("DELETE", user.conductor_end_user_id) == 0


def test_disconnect_with_the_token_from_the_page_works(csrf_client, user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    page = csrf_client.get("/quickbooks/")
    token = page.context["csrf_token"]

    response = csrf_client.post("/quickbooks/disconnect/", {"csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.conductor_end_user_id is None


@pytest.mark.parametrize("method", ["get", "head", "put", "delete"])
def test_disconnect_answers_only_post(csrf_client, user, fake_conductor, method):
    response = getattr(csrf_client, method)("/quickbooks/disconnect/")

    # Unsafe methods meet the CSRF check first; either way nothing happens.
    expected = {403, 405} if method in ("put", "delete") else {405}
    assert response.status_code in expected
    user.refresh_from_db()
    assert user.conductor_end_user_id


@pytest.mark.parametrize("path", ["/quickbooks/", "/quickbooks/callback/"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only_pages_refuse_other_methods(csrf_client, fake_conductor, path, method):
    calls = len(fake_conductor.calls)

    response = getattr(csrf_client, method)(path)

    assert response.status_code in (403, 405)
    assert len(fake_conductor.calls) == calls


@pytest.mark.parametrize("path", ["/quickbooks/", "/quickbooks/callback/?state=x"])
def test_anonymous_visitors_are_sent_to_log_in_without_a_conductor_call(
    client, fake_conductor, path
):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/log-in/")
    assert fake_conductor.calls == []


def test_anonymous_disconnect_is_refused(fake_conductor):
    response = Client(enforce_csrf_checks=True).post("/quickbooks/disconnect/")

    assert response.status_code in (302, 403)
    assert fake_conductor.calls == []
