"""The Excel download of every list page, read back with openpyxl: headers, values and
types, the page's filters and sort, roles, scope, and a query count that does not grow."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.xlsx import DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT, RUPIAH_FORMAT, TEXT_FORMAT
from grants import services as grant_services
from tests.factories import BusinessGroupFactory, MentoringVisitFactory, TrainingSessionFactory
from tests.grants.money import RP20JT, transferred_grant

# (url name, sheet name) of every list export outside the groups app (tested with the import)
LIST_EXPORTS = [
    ("grants:grant_list_export", "Hibah"),
    ("grants:program_list_export", "Program"),
    ("grants:tranche_queue_export", "Antrean Tahap"),
    ("reports:review_queue_export", "Laporan untuk Diperiksa"),
    ("reports:overdue_export", "Laporan Terlambat"),
    ("training:session_list_export", "Pelatihan"),
    ("training:visit_list_export", "Kunjungan Pendampingan"),
    ("training:coverage_export", "Cakupan per Kabupaten"),
]


# Session, user, the access log's entry for the export and the idle-session refresh
# (savepoint, update, release) are 6 of each.
QUERIES = {
    "grants:grant_list_export": 7,
    "grants:program_list_export": 7,
    "grants:tranche_queue_export": 7,
    "reports:review_queue_export": 7,
    "reports:overdue_export": 9,  # and the LPJs sheet: the first year owed (none owed here)
    "training:session_list_export": 7,
    "training:visit_list_export": 7,
    "training:coverage_export": 9,
}


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def training_data(dashboard_data, province_staff, paser_officer, berau_officer):
    """A Paser training (two Paser groups invited), a province-wide one, a Paser visit and
    a Berau visit."""
    g1, g2, b1 = (dashboard_data[k].group for k in ("g1", "g2", "b1"))
    paser = TrainingSessionFactory(
        program=dashboard_data["program"],
        title="Pelatihan Pembukuan KUBE Paser",
        start_date=datetime.date(2026, 7, 29),
        end_date=datetime.date(2026, 7, 30),
        groups=[g1, g2],
    )
    TrainingSessionFactory(
        program=dashboard_data["program"], regency_id=None, title="Bimtek Provinsi"
    )
    MentoringVisitFactory(
        group=g1,
        officer=paser_officer,
        visited_on=datetime.date(2026, 11, 2),
        follow_up_due=datetime.date(2026, 12, 1),
    )
    MentoringVisitFactory(group=b1, officer=berau_officer, visited_on=datetime.date(2026, 11, 3))
    return {**dashboard_data, "paser_session": paser}


def download(client, name, query=""):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_by_header(sheet):
    """The data rows as dicts header -> cell."""
    lines = list(sheet.iter_rows())
    headers = [c.value for c in lines[0]]
    return [dict(zip(headers, line, strict=True)) for line in lines[1:]]


@pytest.mark.django_db
class TestGrantList:
    def test_values_types_and_formats(self, client, dashboard_data, province_staff):
        client.force_login(province_staff)
        book = download(client, "grants:grant_list_export")
        assert book.sheetnames == ["Hibah"]
        rows = rows_by_header(book["Hibah"])
        assert len(rows) == 4
        g1 = next(r for r in rows if r["Sudah dicairkan (Rp)"].value == 10_000_000)
        group = dashboard_data["g1"].group
        assert g1["No. Registrasi"].value == group.registration_number
        assert g1["No. Registrasi"].number_format == TEXT_FORMAT
        assert g1["Kabupaten/Kota"].value == "Kabupaten Paser"
        assert g1["Nilai hibah (Rp)"].value == RP20JT
        assert g1["Nilai hibah (Rp)"].number_format == RUPIAH_FORMAT
        assert g1["Sisa yang dapat diajukan (Rp)"].value == RP20JT - 10_000_000
        # the grant page's three parts, named as there, add up to the grant
        parts = ("Sudah dicairkan", "Diajukan, belum dicairkan", "Sisa yang dapat diajukan")
        for row in rows:
            assert sum(row[f"{p} (Rp)"].value for p in parts) == row["Nilai hibah (Rp)"].value
        assert g1["Tanggal Transfer"].value == datetime.datetime(2026, 3, 2)
        assert g1["Tanggal Transfer"].number_format == DATE_FORMAT
        assert g1["Status"].value == "Berjalan"  # the Indonesian label, whatever the language
        awarded_only = [r for r in rows if r["Tanggal Transfer"].value is None]
        assert [r["Status"].value for r in awarded_only] == ["Ditetapkan"]

    def test_follows_the_page_filter_and_sort(self, client, dashboard_data, province_staff):
        client.force_login(province_staff)
        book = download(client, "grants:grant_list_export", "?regency=64.03")
        assert [r["Kabupaten/Kota"].value for r in rows_by_header(book["Hibah"])] == [
            "Kabupaten Berau"
        ]
        book = download(client, "grants:grant_list_export", "?sort=-group")
        names = [r["Nama Kelompok"].value for r in rows_by_header(book["Hibah"])]
        assert names == sorted(names, reverse=True)

    def test_berau_officer_gets_only_berau(self, client, dashboard_data, berau_officer):
        client.force_login(berau_officer)
        book = download(client, "grants:grant_list_export")
        rows = rows_by_header(book["Hibah"])
        assert [r["Kode Kabupaten/Kota"].value for r in rows] == ["64.03"]
        # Paser is not a choice a Berau officer has: the filter is ignored, the scope holds
        book = download(client, "grants:grant_list_export", "?regency=64.01")
        assert [r["Kode Kabupaten/Kota"].value for r in rows_by_header(book["Hibah"])] == ["64.03"]


@pytest.mark.django_db
class TestProgramList:
    def test_budget_figures(self, client, dashboard_data, paser_officer):
        client.force_login(paser_officer)
        rows = rows_by_header(download(client, "grants:program_list_export")["Program"])
        (line,) = rows
        assert line["Nama Program"].value == "Bantuan Modal Usaha KUBE 2026"
        assert line["Tahun Anggaran"].value == 2026
        assert line["Pagu (Rp)"].value == 175 * RP20JT
        assert line["Dialokasikan (Rp)"].value == 4 * RP20JT
        assert line["Sisa Pagu (Rp)"].value == 171 * RP20JT
        assert line["% Terpakai"].value == pytest.approx(0.023)  # 2.3 %: one decimal
        assert line["% Terpakai"].number_format == PERCENT_FORMAT
        assert line["Status"].value == "Dibuka"


@pytest.mark.django_db
class TestTrancheQueue:
    def test_waiting_tranche_with_its_age(self, client, dashboard_data, approver):
        client.force_login(approver)
        rows = rows_by_header(download(client, "grants:tranche_queue_export")["Antrean Tahap"])
        (line,) = rows
        assert line["Nama Kelompok"].value == dashboard_data["b1"].group.name
        assert line["Kabupaten/Kota"].value == "Kabupaten Berau"
        assert line["Tahap"].value == 1
        assert line["Nilai Tahap (Rp)"].value == 5_000_000
        assert line["Keperluan"].value == "Alat"
        assert line["Waktu Pengajuan"].number_format == DATETIME_FORMAT
        assert isinstance(line["Waktu Pengajuan"].value, datetime.datetime)
        assert line["Menunggu (hari)"].value == 0

    def test_regency_officer_may_not_download_the_queue(self, client, berau_officer):
        client.force_login(berau_officer)
        assert client.get(reverse("grants:tranche_queue_export")).status_code == 403


@pytest.mark.django_db
class TestReviewQueue:
    def test_submitted_report(self, client, dashboard_data, province_staff):
        client.force_login(province_staff)
        book = download(client, "reports:review_queue_export")
        (line,) = rows_by_header(book["Laporan untuk Diperiksa"])
        assert line["Nama Kelompok"].value == dashboard_data["b1"].group.name
        assert line["Tahun"].value == 2026 and line["Catur Wulan"].value == "II"
        assert line["Omzet (Rp)"].value == 9_000_000
        assert line["Omzet (Rp)"].number_format == RUPIAH_FORMAT
        assert line["Laba (Rp)"].value == 500_000
        assert line["Kondisi Usaha"].value == "Stabil"

    def test_paser_head_sees_no_berau_report(self, client, dashboard_data):
        from accounts.models import User

        client.force_login(User.objects.get(username="yusuf"))
        book = download(client, "reports:review_queue_export")
        assert rows_by_header(book["Laporan untuk Diperiksa"]) == []

    def test_officer_may_not_download_the_review_queue(self, client, paser_officer):
        client.force_login(paser_officer)
        assert client.get(reverse("reports:review_queue_export")).status_code == 403


@pytest.mark.django_db
class TestTraining:
    def test_sessions(self, client, training_data, province_staff):
        client.force_login(province_staff)
        rows = rows_by_header(download(client, "training:session_list_export")["Pelatihan"])
        by_title = {r["Judul"].value: r for r in rows}
        paser = by_title["Pelatihan Pembukuan KUBE Paser"]
        assert paser["Kabupaten/Kota"].value == "Kabupaten Paser"
        assert paser["Tanggal Mulai"].value == datetime.datetime(2026, 7, 29)
        assert paser["Tanggal Selesai"].number_format == DATE_FORMAT
        assert paser["Kelompok Diundang"].value == 2
        assert paser["Anggota Hadir"].value == 0
        assert by_title["Bimtek Provinsi"]["Kabupaten/Kota"].value == "Tingkat provinsi"

    def test_visits_and_scope(self, client, training_data, berau_officer):
        client.force_login(berau_officer)
        book = download(client, "training:visit_list_export")
        (line,) = rows_by_header(book["Kunjungan Pendampingan"])
        assert line["Kabupaten/Kota"].value == "Kabupaten Berau"
        assert line["Tanggal Kunjungan"].value == datetime.datetime(2026, 11, 3)
        assert line["Jenis"].value == "Kunjungan lapangan"
        assert line["Jumlah Foto"].value == 0

    def test_coverage(self, client, training_data, paser_officer):
        client.force_login(paser_officer)
        book = download(client, "training:coverage_export")
        assert book.sheetnames == ["Cakupan per Kabupaten", "Belum Dikunjungi"]
        regency, total = rows_by_header(book["Cakupan per Kabupaten"])
        assert regency["Kabupaten/Kota"].value == "Kabupaten Paser"
        assert regency["Dikunjungi"].value == 1  # g1, on 2 November
        assert total["Kabupaten/Kota"].value == "Jumlah"
        for header in ("Kelompok", "Dilatih", "Dikunjungi", "Layak atau Didanai"):
            assert total[header].value == regency[header].value, header
        assert regency["Layak atau Didanai"].value == 3  # g1, g2 funded; g3 awarded
        unvisited = rows_by_header(book["Belum Dikunjungi"])
        names = {r["Nama Kelompok"].value for r in unvisited}
        assert training_data["g2"].group.name in names
        assert training_data["g1"].group.name not in names
        assert {r["Kabupaten/Kota"].value for r in unvisited} == {"Kabupaten Paser"}


@pytest.mark.django_db
class TestEveryListExport:
    @pytest.mark.parametrize(("name", "sheet"), LIST_EXPORTS)
    def test_a_berau_officer_never_gets_a_paser_line(
        self, client, training_data, berau_officer, name, sheet
    ):
        client.force_login(berau_officer)
        response = client.get(reverse(name))
        if response.status_code == 403:  # a queue this role may not read
            return
        book = download(client, name)
        paser_names = {training_data[k].group.name for k in ("g1", "g2", "g3")} | {
            "Kabupaten Paser",
            "Pelatihan Pembukuan KUBE Paser",
        }
        for worksheet in book.worksheets:
            for line in worksheet.iter_rows(values_only=True):
                assert not paser_names & set(line), (worksheet.title, line)
        assert book.sheetnames[0] == sheet

    @pytest.mark.parametrize(("name", "_sheet"), LIST_EXPORTS)
    @pytest.mark.parametrize(
        "query",
        ["?sort=zzz", "?program=abc&regency=%3Cscript%3E&status=x&year=99999999999"],
    )
    def test_bad_filters_and_sorts_still_give_a_file(
        self, client, kaltim, province_staff, name, _sheet, query
    ):
        client.force_login(province_staff)
        assert client.get(reverse(name) + query).status_code == 200

    @pytest.mark.parametrize(("name", "_sheet"), LIST_EXPORTS)
    def test_anonymous_goes_to_login(self, client, name, _sheet):
        assert client.get(reverse(name)).status_code == 302

    @pytest.mark.parametrize(("name", "_sheet"), LIST_EXPORTS)
    def test_query_count_does_not_grow_with_the_list(
        self, client, training_data, province_staff, approver, berau_officer, name, _sheet
    ):
        client.force_login(province_staff)
        small = _queries(client, name)
        assert small == QUERIES[name]
        program = training_data["program"]
        for _ in range(5):  # five more groups in every list
            grant = transferred_grant(program, province_staff, regency="64.03")
            grant_services.tranche_request(
                grant=grant, amount=1_000_000, purpose="Alat", by=berau_officer
            )
            MentoringVisitFactory(group=grant.group, officer=berau_officer)
            BusinessGroupFactory(regency_id="64.03", district_id="64.03.01", status="eligible")
        assert _queries(client, name) == small


def _queries(client, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
class TestOneObjectLists:
    def test_attendance_sheet(self, client, training_data, province_staff):
        from training import services as training_services

        session = training_data["paser_session"]
        members = list(training_data["g1"].group.members.order_by("pk"))
        training_services.attendance_record(
            session=session,
            marks={members[0].pk: True, members[1].pk: False},
            by=province_staff,
        )
        client.force_login(province_staff)
        response = client.get(reverse("training:attendance_xlsx", args=[session.pk]))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = rows_by_header(book["Daftar Hadir"])
        assert len(rows) == 10  # the five members of each invited group
        by_name = {r["Nama Anggota"].value: r["Kehadiran"].value for r in rows}
        assert by_name[members[0].full_name] == "Hadir"
        assert by_name[members[1].full_name] == "Tidak hadir"
        assert list(by_name.values()).count("Belum dicatat") == 8

    def test_attendance_sheet_of_another_regency_is_404(self, client, training_data, berau_officer):
        client.force_login(berau_officer)
        session = training_data["paser_session"]
        url = reverse("training:attendance_xlsx", args=[session.pk])
        assert client.get(url).status_code == 404

    def test_group_reports(self, client, dashboard_data, paser_officer, berau_officer):
        group = dashboard_data["g1"].group
        url = reverse("reports:group_reports_export", args=[group.pk])
        client.force_login(paser_officer)
        response = client.get(url)
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = rows_by_header(book["Laporan Perkembangan"])
        assert [(r["Catur Wulan"].value, r["Omzet (Rp)"].value) for r in rows] == [
            ("I", 10_000_000),
            ("II", 12_500_000),
        ]
        assert rows[1]["Kondisi Usaha"].value == "Berkembang"
        assert rows[1]["Status Laporan"].value == "Diterima"
        client.force_login(berau_officer)
        assert client.get(url).status_code == 404
