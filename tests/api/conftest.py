import pytest
from django.urls import reverse


def url(name):
    return reverse(f"conductor_django_api:{name}")


@pytest.fixture
def api(client, user):
    client.force_login(user)
    return client
