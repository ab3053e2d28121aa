"""What config.settings.production turns on, loaded with the environment it requires."""

import importlib
import sys

import pytest

REQUIRED = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "modal-usaha.example.go.id",
    "DATABASE_URL": "postgres://modal_usaha@127.0.0.1:5432/modal_usaha",
    "EMAIL_URL": "smtp+tls://modal-usaha@mail.example.go.id:587",
}


@pytest.fixture
def production(monkeypatch):
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DJANGO_TWO_FACTOR_REQUIRED_ROLES", raising=False)
    for name in ("config.settings.production", "config.settings.base"):
        sys.modules.pop(name, None)
    module = importlib.import_module("config.settings.production")
    yield module
    for name in ("config.settings.production", "config.settings.base"):
        sys.modules.pop(name, None)


def test_two_factor_login_is_required_of_province_staff_approvers_and_administrators(
    production,
):
    assert production.TWO_FACTOR_REQUIRED_ROLES == ["province_staff", "approver", "superuser"]


def test_two_factor_login_is_off_in_the_demo_and_the_tests(settings):
    from config.settings import local

    assert local.TWO_FACTOR_REQUIRED_ROLES == []
    assert settings.TWO_FACTOR_REQUIRED_ROLES == []


def test_the_client_address_comes_from_one_trusted_proxy(production):
    assert production.TRUSTED_PROXY_COUNT == 1


def test_the_demo_is_never_written(production):
    assert production.DEMO_DATA_ALLOWED is False
