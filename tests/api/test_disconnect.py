import pytest

from conductor_django.connection import check

from .conftest import url
from .openapi import assert_documented

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["post", "delete"])
def test_disconnect_deletes_the_end_user(api, user, fake_conductor, method):
    fake_conductor.set_scenario(user, "connected")
    check(user)
    end_user_id = user.conductor_end_user_id
    response = getattr(api, method)(url("disconnect"))
    assert response.status_code == 200
    assert_documented(response, "/disconnect/", method)
    assert response.json() == {"disconnected": True}
    assert end_user_id not in fake_conductor.end_users
    user.refresh_from_db()
    assert user.conductor_end_user_id is None
    assert api.get(url("status")).json()["status"] == "not_set_up"


def test_disconnect_without_an_end_user_says_so(api, user, fake_conductor):
    api.post(url("disconnect"))
    deletes = fake_conductor.count("DELETE", "")
    response = api.post(url("disconnect"))
    assert response.json() == {"disconnected": False}
    assert fake_conductor.count("DELETE", "") == deletes


def test_connecting_again_after_a_disconnect_creates_a_new_end_user(api, user, fake_conductor):
    old = user.conductor_end_user_id
    api.post(url("disconnect"))
    assert api.post(url("auth-session")).status_code == 201
    user.refresh_from_db()
    assert user.conductor_end_user_id not in (None, old)
    assert fake_conductor.auth_sessions[-1]["endUserId"] == user.conductor_end_user_id
