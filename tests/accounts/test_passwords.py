"""Passwords are stored with Argon2; an older hash is rehashed at the next login."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.urls import reverse

from config.settings import base
from tests.conftest import PASSWORD

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_every_new_password_outside_the_tests():
    assert base.PASSWORD_HASHERS[0] == ARGON2
    # MD5 is the test suite's shortcut and is not accepted anywhere else.
    assert not any("MD5" in hasher for hasher in base.PASSWORD_HASHERS)
    assert django_settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_an_older_hash_becomes_argon2_at_the_next_login(client, settings, province_staff):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    # A PBKDF2 hash as Django stored it before (few iterations: the test stays fast).
    province_staff.password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsalt", iterations=1000)
    province_staff.save(update_fields=["password"])

    response = client.post(
        reverse("accounts:login"), {"username": "rina", "password": PASSWORD}, follow=False
    )

    assert response.status_code == 302
    province_staff.refresh_from_db()
    assert identify_hasher(province_staff.password).algorithm == "argon2"
    assert province_staff.check_password(PASSWORD)
