"""The dashboard's tables and the programme rekap as xlsx, read back with openpyxl:
values, types and formats, and nothing outside a regency officer's regency."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.xlsx import PERCENT_FORMAT, RUPIAH_FORMAT
from tests.grants.money import RP20JT


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
class TestDashboardExport:
    def test_values_types_and_formats(self, client, dashboard_data, province_staff):
        client.force_login(province_staff)
        book = workbook(client.get(reverse("reports:dashboard_export")))
        assert book.sheetnames == [
            "Dana per Kabupaten",
            "Kepatuhan Laporan",
            "Kondisi Usaha",
            "Status Kelompok",
        ]
        money = book["Dana per Kabupaten"]
        assert money["A1"].value == "Kode" and money["E1"].value == "Nilai Hibah (Rp)"
        rows = {row[0].value: row for row in money.iter_rows(min_row=2)}
        paser = rows["64.01"]
        assert paser[1].value == "Kabupaten Paser"
        assert [c.value for c in paser[2:6]] == [3, 2, 3 * RP20JT, 2 * RP20JT]
        assert isinstance(paser[4].value, int) and paser[4].number_format == RUPIAH_FORMAT
        assert paser[7].value == 10_000_000 and paser[9].value == 50_000_000
        assert paser[6].value == pytest.approx(0.667)
        assert paser[6].number_format == PERCENT_FORMAT
        total = rows[None]
        assert total[1].value == "Jumlah" and total[4].value == 4 * RP20JT
        assert len(rows) == 11  # ten regencies and the total

        compliance = book["Kepatuhan Laporan"]
        lines = [
            [c.value for c in row]
            for row in compliance.iter_rows(min_row=2)
            if row[0].value == "64.01" and row[3].value == "II" and row[2].value == 2026
        ]
        assert lines == [["64.01", "Kabupaten Paser", 2026, "II", 2, 2, 0, 0, 1.0]]
        condition = {row[0].value: row for row in book["Kondisi Usaha"].iter_rows(min_row=2)}
        assert [c.value for c in condition["64.01"][2:8]] == [1, 0, 1, 0, 750_000, 2]
        groups = {row[0].value: row for row in book["Status Kelompok"].iter_rows(min_row=2)}
        assert [c.value for c in groups["64.01"][2:]] == [1, 0, 3, 0, 0, 4]

    def test_berau_officer_export_has_no_line_outside_berau(
        self, client, dashboard_data, berau_officer
    ):
        client.force_login(berau_officer)
        book = workbook(client.get(reverse("reports:dashboard_export")))
        for sheet in book.worksheets:
            codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
            assert codes == {"64.03", None}, sheet.title
            names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
            assert names == {"Kabupaten Berau", "Jumlah"}, sheet.title
        money = list(book["Dana per Kabupaten"].iter_rows(min_row=2, values_only=True))
        assert money[-1][4] == RP20JT  # the total is Berau's

    def test_anonymous_goes_to_login(self, client):
        assert client.get(reverse("reports:dashboard_export")).status_code == 302


@pytest.mark.django_db
class TestRekap:
    def test_one_sheet_per_regency_with_values_and_types(
        self, client, dashboard_data, province_staff
    ):
        client.force_login(province_staff)
        url = reverse("reports:program_rekap_xlsx", args=[dashboard_data["program"].pk])
        book = workbook(client.get(url))
        assert book.sheetnames == ["Ringkasan", "Kabupaten Paser", "Kabupaten Berau"]
        paser = list(book["Kabupaten Paser"].iter_rows(values_only=True))
        assert paser[0][:3] == ("No.", "No. Registrasi", "Nama Kelompok")
        assert len(paser) == 1 + 3 + 1  # header, three grants, total
        g1 = dashboard_data["g1"]
        line = next(r for r in paser[1:] if r[2] == g1.group.name)
        assert line[5]  # the ketua's name
        assert line[7] == g1.group.account_number
        assert line[9] == RP20JT and line[12] == 10_000_000 and line[13] == 10_000_000
        assert line[10] == datetime.datetime(2026, 3, 2)  # a date cell
        cells = next(
            r for r in book["Kabupaten Paser"].iter_rows(min_row=2) if r[2].value == g1.group.name
        )
        assert cells[9].number_format == RUPIAH_FORMAT and cells[10].is_date
        assert paser[-1][2] == "Jumlah" and paser[-1][9] == 3 * RP20JT
        summary = list(book["Ringkasan"].iter_rows(min_row=2, values_only=True))
        assert summary == [
            ("64.01", "Kabupaten Paser", 3, 3 * RP20JT, 10_000_000, 50_000_000),
            ("64.03", "Kabupaten Berau", 1, RP20JT, 0, RP20JT),
            (None, "Jumlah", 4, 4 * RP20JT, 10_000_000, 70_000_000),
        ]

    def test_berau_officer_rekap_has_berau_only(self, client, dashboard_data, berau_officer):
        client.force_login(berau_officer)
        url = reverse("reports:program_rekap_xlsx", args=[dashboard_data["program"].pk])
        book = workbook(client.get(url))
        assert book.sheetnames == ["Ringkasan", "Kabupaten Berau"]
        names = [r[2] for r in book["Kabupaten Berau"].iter_rows(min_row=2, values_only=True)]
        assert names == [dashboard_data["b1"].group.name, "Jumlah"]
        summary = list(book["Ringkasan"].iter_rows(min_row=2, values_only=True))
        assert [r[1] for r in summary] == ["Kabupaten Berau", "Jumlah"]

    def test_rekap_queries_do_not_grow(
        self, client, dashboard_data, province_staff, django_assert_num_queries
    ):
        client.force_login(province_staff)
        url = reverse("reports:program_rekap_xlsx", args=[dashboard_data["program"].pk])
        # session, user, the programme, the grants (group, regency, district, ketua), the
        # access log's entry and the idle-timeout session refresh (savepoint, update, release)
        with django_assert_num_queries(8):
            b"".join(client.get(url).streaming_content)
