"""The register page and its Excel download: what each role sees, the filters, the file."""

import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from letters.models import DocumentKind
from letters.services import cancel_letter, issue_letter

pytestmark = pytest.mark.django_db

URL = reverse("letters:letter_list")
EXPORT = reverse("letters:letter_list_export")


@pytest.fixture
def register(kaltim, province_staff, approver):
    def issue(kind, regency, day, subject):
        with transaction.atomic():
            return issue_letter(
                kind=kind,
                subject=subject,
                by=province_staff,
                signed_by=approver,
                regency_id=regency,
                issued_on=day,
            )

    decree = issue(DocumentKind.DECREE, None, datetime.date(2026, 1, 12), "SK penerima 2026")
    paser = issue(DocumentKind.AGREEMENT, "64.01", datetime.date(2026, 1, 19), "NPHD KUBE Paser")
    berau = issue(DocumentKind.AGREEMENT, "64.03", datetime.date(2026, 1, 21), "NPHD KUBE Berau")
    cancel_letter(letter=berau, by=province_staff, reason="Nama bank salah")
    return {"decree": decree, "paser": paser, "berau": berau}


def test_anonymous_goes_to_login(client):
    for url in (URL, EXPORT):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))


def test_post_is_not_allowed(client, province_staff):
    client.force_login(province_staff)
    assert client.post(URL).status_code == 405


def test_province_staff_see_every_entry_and_the_cancelled_reason(client, register, province_staff):
    client.force_login(province_staff)
    page = client.get(URL).content.decode()
    for letter in register.values():
        assert letter.number in page
    assert "Nama bank salah" in page
    assert "Dibatalkan" in page


def test_a_regency_sees_its_own_and_the_province_wide_entries(client, register, berau_officer):
    client.force_login(berau_officer)
    page = client.get(URL).content.decode()
    assert register["decree"].number in page and register["berau"].number in page
    assert register["paser"].number not in page


def test_filters(client, register, province_staff):
    client.force_login(province_staff)
    page = client.get(URL, {"kind": "agreement", "status": "issued"}).content.decode()
    assert register["paser"].number in page
    assert register["decree"].number not in page and register["berau"].number not in page
    page = client.get(URL, {"q": "berau"}).content.decode()
    assert register["berau"].number in page and register["paser"].number not in page
    page = client.get(URL, {"regency": "64.01", "year": "2026"}).content.decode()
    assert register["paser"].number in page and register["decree"].number not in page


def test_the_export_holds_the_filtered_entries_with_their_types(client, register, province_staff):
    client.force_login(province_staff)
    response = client.get(EXPORT, {"kind": "agreement"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Agenda Surat Keluar"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("Tahun", "Jenis Dokumen", "No. Urut", "Nomor Surat", "Tanggal")
    lines = {row[3]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(lines) == {register["paser"].number, register["berau"].number}
    berau = lines[register["berau"].number]
    assert berau["Status"] == "Dibatalkan"
    assert berau["Alasan Pembatalan"] == "Nama bank salah"
    assert berau["Tanggal"] == datetime.datetime(2026, 1, 21)
    assert berau["Jenis Dokumen"] == "Naskah Perjanjian Hibah Daerah (NPHD)"


def test_another_regency_gets_no_line_of_paser(client, register, berau_officer):
    client.force_login(berau_officer)
    response = client.get(EXPORT)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    numbers = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert register["paser"].number not in numbers
    assert register["berau"].number in numbers


def test_the_page_does_not_query_per_row(
    client, register, province_staff, django_assert_num_queries
):
    client.force_login(province_staff)
    client.get(URL)  # warm the session
    # session, user, count, regency choices (filter), the page of entries (with regency and
    # signer), and the session's expiry pushed forward (savepoint, update, release).
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200


def test_the_admin_edits_a_pattern_and_refuses_a_bad_one(client, superuser):
    from letters.models import LetterSeries

    series = LetterSeries.objects.get(kind=DocumentKind.AGREEMENT)
    url = reverse("admin:letters_letterseries_change", args=[series.pk])
    client.force_login(superuser)

    response = client.post(url, {"pattern": "400.9.5/NPHD/{year}"})
    assert response.status_code == 200  # the form again, with the error
    assert "{seq}" in response.content.decode()
    series.refresh_from_db()
    assert series.pattern == "400.9.5/{seq:04d}/NPHD/DINSOS/{year}"

    response = client.post(url, {"pattern": "027/{seq:03d}/NPHD/{roman_month}/{year}"})
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.pattern == "027/{seq:03d}/NPHD/{roman_month}/{year}"
