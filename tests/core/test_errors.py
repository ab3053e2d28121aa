"""Error pages in Bahasa Indonesia and in the site's layout; the 500 page renders with
neither the database nor the context processors."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.template import loader
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LAYOUT = ('class="navbar-brand', "bootstrap/css/bootstrap.min.css", "css/app.css")


def in_layout(page: str) -> bool:
    return all(part in page for part in LAYOUT)


def database_down():
    """Every new query fails as with the server stopped (the open connection is closed)."""
    connection.close()
    refused = OperationalError("connection to server at 127.0.0.1:5432 failed: refused")
    return mock.patch.object(connection, "ensure_connection", side_effect=refused)


def test_404(client, province_staff):
    client.force_login(province_staff)
    response = client.get("/tidak-ada/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in page and in_layout(page)
    assert "Kelompok usaha" in page  # the navbar of a signed-in user


def test_403(client, paser_officer):
    client.force_login(paser_officer)
    response = client.get(reverse("audit:entry_list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in page and in_layout(page)


def test_403_for_an_expired_form(province_staff):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "rina", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in page and in_layout(page)


@pytest.mark.urls("tests.core.error_urls")
def test_500_raised_by_a_view(client, province_staff, settings):
    assert settings.DEBUG is False
    client.force_login(province_staff)
    client.raise_request_exception = False
    response = client.get("/rusak/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in page and in_layout(page)
    assert "RuntimeError" not in page and "Traceback" not in page


def test_500_with_the_database_down_and_a_session_cookie(client, province_staff):
    client.force_login(province_staff)
    client.raise_request_exception = False
    with database_down():
        response = client.get(reverse("groups:group_list"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in page and in_layout(page)


def test_the_500_page_needs_no_database_and_no_context_processor(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = loader.get_template("500.html").render()
    assert "Terjadi kesalahan pada server" in page and in_layout(page)
