"""No page or download is kept by a cache; production cookies are __Host- prefixed."""

import pytest
from django.conf import global_settings
from django.urls import reverse

from tests.core.test_production_settings import production  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def setting(module, name):
    """A setting of a settings module, or Django's default when the module leaves it."""
    return getattr(module, name, getattr(global_settings, name))


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_signed_in_pages_and_downloads_are_not_stored(client, province_staff):
    client.force_login(province_staff)
    for url in [
        reverse("core:home"),
        reverse("groups:group_list"),
        reverse("audit:entry_list"),
        reverse("grants:grant_list_export"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
    # A redirect and an error page too.
    assert no_store(client.get("/tidak-ada/"))


def test_the_login_page_is_not_stored(client):
    assert no_store(client.get(reverse("accounts:login")))


def test_static_files_are_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not no_store(response)


def test_production_cookies_are_host_prefixed(production):  # noqa: F811
    assert production.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert production.CSRF_COOKIE_NAME == "__Host-csrftoken"
    # What the prefix requires of the browser: Secure, Path=/ and no Domain.
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    for name in ("SESSION", "CSRF"):
        assert setting(production, f"{name}_COOKIE_PATH") == "/"
        assert setting(production, f"{name}_COOKIE_DOMAIN") is None


def test_plain_cookie_names_without_https(settings):
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.CSRF_COOKIE_NAME == "csrftoken"


def test_the_login_sets_a_host_prefixed_session_cookie_in_production(
    client, settings, province_staff
):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(
        reverse("accounts:login"), {"username": "rina", "password": "sandi-uji-123"}
    )
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
