import datetime

import pytest
from django.urls import reverse

from core import waiting
from core.waiting import WaitingLine


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "role_label"),
    [
        ("province_staff", "Staf Dinsos Provinsi"),
        ("approver", "Pejabat Penyetuju"),
        ("paser_officer", "Petugas Dinsos Kabupaten/Kota · Kabupaten Paser"),
    ],
)
def test_home_in_indonesian_for_each_role(client, personas, persona, role_label):
    client.force_login(personas[persona])
    response = client.get(reverse("core:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3 mb-1">Menunggu Anda</h1>' in content
    assert role_label in content


@pytest.mark.django_db
def test_home_lists_what_providers_report_and_links_to_it(client, paser_officer, monkeypatch):
    def reports_due(user):
        count = 3 if user.is_regency_officer else 0
        return [WaitingLine("Laporan jatuh tempo", count, "/laporan/")]

    monkeypatch.setattr(waiting, "_providers", [reports_due])
    client.force_login(paser_officer)
    content = client.get(reverse("core:home")).content.decode()
    assert 'href="/laporan/"' in content
    assert "Laporan jatuh tempo" in content
    assert "Tidak ada pekerjaan" not in content


@pytest.mark.django_db
def test_lines_with_nothing_to_do_are_hidden(client, province_staff, monkeypatch):
    monkeypatch.setattr(waiting, "_providers", [lambda user: [WaitingLine("X", 0, "/x/")]])
    client.force_login(province_staff)
    content = client.get(reverse("core:home")).content.decode()
    assert "Tidak ada pekerjaan yang menunggu Anda saat ini." in content


@pytest.mark.django_db
def test_english_is_available(client, province_staff):
    client.force_login(province_staff)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get(reverse("core:home")).content.decode()
    assert "Waiting for you" in content
    assert '<html lang="en">' in content


@pytest.mark.django_db
def test_login_page_in_indonesian(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert "Masuk" in content
    assert "Nama pengguna" in content  # Django's own Indonesian catalogue


@pytest.mark.django_db
def test_login_with_wrong_password_says_so_in_indonesian(client, province_staff):
    response = client.post(reverse("accounts:login"), {"username": "rina", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


@pytest.mark.django_db
def test_idle_session_expires_after_thirty_minutes(client, province_staff, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(province_staff)
    client.get(reverse("core:home"))
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60


@pytest.mark.django_db
def test_activity_pushes_the_idle_expiry_at_most_once_a_minute(
    client, province_staff, time_machine, settings
):
    """Working on keeps the session alive; a click within the minute after the last
    push writes nothing (no UPDATE of the session table on every page)."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_REFRESH_SECONDS = 60  # as in production (the test settings say 0)
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    client.force_login(province_staff)
    client.get(reverse("core:home"))
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    assert first == start + datetime.timedelta(minutes=30)

    time_machine.move_to(start + datetime.timedelta(seconds=40), tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    assert not [
        q
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")
    ]
    assert Session.objects.get(pk=key).expire_date == first

    # 25 minutes on (idle for less than 30 since the last push): still signed in, pushed
    time_machine.move_to(start + datetime.timedelta(minutes=25), tick=False)
    assert client.get(reverse("core:home")).status_code == 200
    assert Session.objects.get(pk=key).expire_date == start + datetime.timedelta(minutes=55)

    # then 31 minutes of nothing: the next click lands on the login page
    time_machine.move_to(start + datetime.timedelta(minutes=56), tick=False)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client, province_staff):
    client.force_login(province_staff)
    response = client.get(reverse("core:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_staff_see_eligible_groups_without_a_grant(client, kaltim, province_staff):
    from grants import services
    from tests.grants.money import eligible_group, open_program

    program = open_program()
    eligible_group()
    services.grant_award(program=program, group=eligible_group(), by=province_staff)
    client.force_login(province_staff)
    lines = {line.label: line for line in client.get("/").context["waiting"]}
    line = lines["Kelompok layak yang belum menerima hibah"]
    assert line.count == 1 and line.url == program.get_absolute_url()


def test_officers_see_transferred_grants_without_a_first_tranche(
    client, kaltim, province_staff, paser_officer
):
    from grants import services
    from tests.grants.money import open_program, transferred_grant

    program = open_program()
    waiting = transferred_grant(program, province_staff)
    asked = transferred_grant(program, province_staff)
    services.tranche_request(grant=asked, amount=1_000_000, purpose="Bahan", by=paser_officer)
    client.force_login(paser_officer)
    lines = {line.label: line for line in client.get("/").context["waiting"]}
    line = lines["Hibah yang sudah ditransfer tetapi belum ada pengajuan tahap"]
    assert line.count == 1
    listed = client.get(line.url).context["table"].data.data
    assert [grant.pk for grant in listed] == [waiting.pk]
