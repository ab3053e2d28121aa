"""Login lockout (django-axes): five failures for a username from one address lock that
pair for 15 minutes; the right password is refused meanwhile, with a message in Bahasa
Indonesia."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Login dikunci selama 15 menit"


def attempt(client, password, *, address="203.0.113.7", username="rina"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_username_for_the_address(client, province_staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            response = attempt(client, "salah")
            assert response.status_code == 200
            assert LOCKED not in response.content.decode()

        fifth = attempt(client, "salah")
        assert fifth.status_code == 429
        assert LOCKED in fifth.content.decode()

        right = attempt(client, PASSWORD)
        assert right.status_code == 429
        assert LOCKED in right.content.decode()
        assert 'value="rina"' in right.content.decode()  # the form is shown again
        assert not logged_in(client)

    # Still locked just before the 15 minutes are up.
    with time_machine.travel(start + datetime.timedelta(minutes=14, seconds=50), tick=False):
        assert attempt(client, PASSWORD).status_code == 429
        assert not logged_in(client)

    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        response = attempt(client, PASSWORD)
        assert response.status_code == 302
        assert logged_in(client)


def test_the_lock_holds_for_one_username_and_one_address(client, province_staff, approver):
    for _ in range(5):
        attempt(client, "salah")

    # The same user from another address, and another user from the locked address.
    assert attempt(client, PASSWORD, address="198.51.100.20").status_code == 302
    client.logout()
    assert attempt(client, PASSWORD, username="hendra").status_code == 302


def test_a_successful_login_starts_the_count_again(client, province_staff):
    for _ in range(4):
        attempt(client, "salah")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "salah").status_code == 200
