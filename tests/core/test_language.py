"""Bahasa Indonesia whatever the browser asks; English only by a user's choice,
remembered on their account."""

from django.conf import settings
from django.urls import reverse

from accounts.models import User

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_an_english_browser_gets_indonesian(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("core:home"), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "id"
    assert "Menunggu Anda" in response.content.decode()


def test_the_login_page_too(client):
    response = client.get(reverse("accounts:login"), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()


def test_choosing_english_is_remembered_on_the_account(client, province_staff):
    client.force_login(province_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=province_staff.pk).language == "en"
    # another browser, no cookie: the account's choice
    other = type(client)()
    other.force_login(User.objects.get(pk=province_staff.pk))
    response = other.get(reverse("core:home"))
    assert response["Content-Language"] == "en"
    assert "Waiting for you" in response.content.decode()


def test_back_to_indonesian(client, province_staff):
    province_staff.language = "en"
    province_staff.save()
    client.force_login(province_staff)
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    response = client.get(reverse("core:home"), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "id"


def test_before_logging_in_the_switch_sets_a_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/akun/masuk/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"


def test_an_unknown_language_is_ignored(client, province_staff):
    client.force_login(province_staff)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert User.objects.get(pk=province_staff.pk).language == ""
    assert client.get(reverse("core:home"))["Content-Language"] == "id"
