"""The programme's recap per regency as a PDF, with totals in figures and words, and
nothing outside an officer's regency (the recipients' list is a decree's attachment:
tests/grants/test_decrees.py)."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.rekap_pdf import regency_recap


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


def text_of(document: bytes) -> str:
    assert document.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.django_db
class TestRegencyRecap:
    def test_lines_and_totals_in_figures_and_words(self, dashboard_data, province_staff):
        text = text_of(regency_recap(user=province_staff, program=dashboard_data["program"]))
        assert "REKAPITULASI PENYALURAN DANA HIBAH" in text
        assert "Kabupaten Paser" in text and "Kabupaten Berau" in text
        assert "Rp60.000.000" in text  # Paser awarded
        assert "Rp80.000.000 (delapan puluh juta rupiah)" in text
        assert "Rp10.000.000 (sepuluh juta rupiah)" in text  # withdrawn
        assert "12,5 %" in text  # absorption of the province

    def test_signed_by_who_compiled_it_with_position_and_nip(self, dashboard_data, province_staff):
        text = text_of(regency_recap(user=province_staff, program=dashboard_data["program"]))
        assert (
            f"Yang membuat rekapitulasi, {province_staff.position} "
            f"{province_staff.get_full_name()} NIP. {province_staff.nip_display}"
        ) in text

    def test_berau_officer_sees_berau_only(self, dashboard_data, berau_officer):
        text = text_of(regency_recap(user=berau_officer, program=dashboard_data["program"]))
        assert "Kabupaten Berau" in text and "Kabupaten Paser" not in text
        assert "Rp20.000.000 (dua puluh juta rupiah)" in text

    def test_same_data_same_bytes(self, dashboard_data, province_staff):
        program = dashboard_data["program"]
        first = regency_recap(user=province_staff, program=program)
        assert regency_recap(user=province_staff, program=program) == first


@pytest.mark.django_db
class TestPages:
    @pytest.mark.parametrize("name", ["program_recap_pdf"])
    def test_pdf_pages(self, client, dashboard_data, province_staff, name):
        url = reverse(f"reports:{name}", args=[dashboard_data["program"].pk])
        assert client.get(url).status_code == 302  # anonymous → login
        client.force_login(province_staff)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert client.post(url).status_code == 405
        assert client.get(reverse(f"reports:{name}", args=[99999])).status_code == 404
