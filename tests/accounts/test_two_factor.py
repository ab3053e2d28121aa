"""Two-factor login for province staff, approvers and administrators when
TWO_FACTOR_REQUIRED_ROLES lists them (production): after the password no page opens until
a code from the authenticator app, or a recovery code (once), verifies the session."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit
from audit.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
CODES = reverse("accounts:recovery_codes")
HOME = reverse("core:home")
# Pages of every kind: the home page, a list, an export, a PDF, the admin, a POST.
PAGES = [
    HOME,
    reverse("groups:group_list"),
    reverse("grants:grant_list_export"),
    reverse("accounts:password_change"),
    "/admin/",
]


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["province_staff", "approver", "superuser"]


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC), tick=False)
    return time_machine


def password_login(client, username="rina"):
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def code_of(device) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = datetime.datetime.now(tz=datetime.UTC).timestamp()
    return f"{totp.token():06d}"


def set_up(client, clock):
    """Province staff links an app; returns (device, recovery codes)."""
    password_login(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user__username="rina")
    response = client.post(SETUP, {"code": code_of(device)})
    assert response.status_code == 302 and response.url == CODES
    page = client.get(CODES).content.decode()
    codes = re.findall(r'<li class="col">(\w+)</li>', page)
    return device, codes


def assert_held_back(client, step):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(step + "?next="), url
    response = client.post(reverse("grants:program_list"))
    assert response.status_code == 302 and response.url.startswith(step)


class TestFirstLogin:
    def test_no_page_opens_before_an_app_is_linked(self, client, province_staff):
        response = password_login(client)
        assert client.get(response.url).url.startswith(SETUP)
        assert_held_back(client, SETUP)

    def test_the_set_up_page_shows_the_key_and_a_qr_code_without_script(
        self, client, province_staff
    ):
        password_login(client)
        page = client.get(SETUP).content.decode()
        device = TOTPDevice.objects.get(user=province_staff, confirmed=False)
        from base64 import b32encode

        secret = b32encode(device.bin_key).decode()
        assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
        assert 'src="data:image/svg+xml' in page
        assert "<script>" not in page and "style=" not in page
        # A reload shows the same key.
        assert client.get(SETUP).content.decode().count(secret[:4]) >= 1
        assert TOTPDevice.objects.filter(user=province_staff).count() == 1

    def test_a_wrong_code_links_nothing(self, client, province_staff):
        password_login(client)
        client.get(SETUP)
        response = client.post(SETUP, {"code": "000000"})
        assert response.status_code == 200
        assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
        assert not TOTPDevice.objects.filter(confirmed=True).exists()
        assert_held_back(client, SETUP)

    def test_the_right_code_links_the_app_and_shows_recovery_codes_once(
        self, client, province_staff, clock
    ):
        _device, codes = set_up(client, clock)
        assert len(codes) == 10 and len(set(codes)) == 10
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
        assert re.findall(r'<li class="col">(\w+)</li>', client.get(CODES).content.decode()) == []
        for url in PAGES[:-1]:  # the admin is for administrators only
            assert client.get(url).status_code == 200, url
        assert AuditEntry.objects.filter(event=audit.Event.TWO_FACTOR_ENABLED).count() == 1


class TestLaterLogins:
    def test_the_apps_code_verifies_the_session(self, client, province_staff, clock):
        device, _codes = set_up(client, clock)
        client.logout()
        clock.shift(datetime.timedelta(seconds=60))  # a fresh code

        password_login(client)
        assert_held_back(client, VERIFY)
        response = client.post(VERIFY, {"code": code_of(device), "next": "/kelompok/"})
        assert response.status_code == 302 and response.url == "/kelompok/"
        assert client.get(HOME).status_code == 200

    def test_a_wrong_code_is_refused_and_logged(self, client, province_staff, clock):
        set_up(client, clock)
        client.logout()
        password_login(client)
        response = client.post(VERIFY, {"code": "123456"})
        assert "Kode salah atau sudah pernah dipakai" in response.content.decode()
        assert client.get(HOME).status_code == 302
        failed = AuditEntry.objects.filter(event=audit.Event.TWO_FACTOR_FAILED)
        assert [e.username for e in failed] == ["rina"]

    def test_a_recovery_code_works_once(self, client, province_staff, clock):
        _device, codes = set_up(client, clock)
        client.logout()

        password_login(client)
        response = client.post(VERIFY, {"code": codes[3].upper()}, follow=True)
        assert response.redirect_chain[-1][0] == HOME
        assert "tersisa 9" in response.content.decode()
        assert StaticToken.objects.count() == 9
        client.logout()

        clock.shift(datetime.timedelta(seconds=5))  # past the throttle of a wrong code
        password_login(client)
        response = client.post(VERIFY, {"code": codes[3]})
        assert response.status_code == 200
        assert client.get(HOME).status_code == 302
        events = AuditEntry.objects.values_list("event", flat=True)
        assert list(events).count(audit.Event.RECOVERY_CODE_USED) == 1

    def test_the_password_alone_cannot_link_another_app(self, client, province_staff, clock):
        set_up(client, clock)
        client.logout()
        password_login(client)
        response = client.get(SETUP)
        assert response.status_code == 302 and response.url == VERIFY
        assert client.post(SETUP, {"code": "000000"}).url == VERIFY
        assert TOTPDevice.objects.count() == 1

    def test_new_recovery_codes_replace_the_old(self, client, province_staff, clock):
        _device, codes = set_up(client, clock)
        client.post(CODES)
        page = client.get(CODES).content.decode()
        new = re.findall(r'<li class="col">(\w+)</li>', page)
        assert len(new) == 10 and not set(new) & set(codes)
        assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


class TestWhoNeedsIt:
    @pytest.mark.parametrize("persona", ["approver", "superuser"])
    def test_approvers_and_administrators(self, client, persona, request):
        user = request.getfixturevalue(persona)
        password_login(client, user.username)
        assert client.get(HOME).url.startswith(SETUP)

    def test_not_regency_officers(self, client, paser_officer):
        password_login(client, "siti")
        assert client.get(HOME).status_code == 200

    def test_nobody_when_the_setting_is_empty(self, client, settings, province_staff):
        settings.TWO_FACTOR_REQUIRED_ROLES = []
        password_login(client)
        assert client.get(HOME).status_code == 200
        assert client.get(VERIFY).url == HOME

    def test_public_pages_stay_public(self, client, province_staff):
        password_login(client)
        assert client.get("/healthz").status_code == 200
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_a_misspelt_role_fails_the_system_check(self, settings):
        settings.TWO_FACTOR_REQUIRED_ROLES = ["aprover"]
        with pytest.raises(SystemCheckError, match=r"accounts\.E001"):
            call_command("check")


def test_the_navbar_offers_no_page_before_the_second_step(client, province_staff):
    password_login(client)
    page = client.get(SETUP).content.decode()
    assert reverse("groups:group_list") not in page
    assert reverse("accounts:logout") in page
