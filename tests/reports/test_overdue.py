"""The overdue list, its Excel export and the "Menunggu Anda" lines about reports."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.roles import Role
from core.waiting import waiting_for
from reports import services
from reports.models import ReportStatus
from reports.owed import rebuild_owed_reports
from reports.periods import Period
from reports.selectors import overdue_rows
from tests.factories import GrantFactory, UserFactory
from tests.grants.money import open_program, transferred_grant

TODAY = datetime.date(2026, 11, 26)
CW1, CW2 = Period(2026, 1), Period(2026, 2)
FIGURES = {
    "revenue": 12_500_000,
    "costs": 8_000_000,
    "profit": 4_500_000,
    "capital_used": 10_000_000,
    "asset_value": 9_000_000,
    "cash_balance": 3_000_000,
    "active_members": 5,
    "jobs_created": 1,
    "condition": "berkembang",
}


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    """26 November 2026: catur wulan I 2026 was due 15 May (195 days ago) and catur wulan
    II 2026 on 15 September (72 days ago); catur wulan III 2026 is not due yet."""
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def program(kaltim):
    return open_program()


@pytest.fixture
def paser_grant(program, province_staff):
    """Transferred on 2 March 2026: owes catur wulan I and II 2026."""
    return transferred_grant(program, province_staff)


@pytest.fixture
def berau_grant(program, province_staff):
    return transferred_grant(program, province_staff, regency="64.03")


@pytest.fixture
def head(paser):
    return UserFactory(username="yusuf", role=Role.REGENCY_HEAD, regency=paser)


def write(grant, officer, period):
    return services.report_create(grant=grant, period=period, data=FIGURES, by=officer)


def submit(grant, officer, period):
    return services.report_submit(report=write(grant, officer, period), by=officer)


def keys(rows):
    return [(row.group_name, row.period, row.report_status) for row in rows]


@pytest.mark.django_db
class TestOverdueRows:
    def test_every_due_period_without_a_report_is_a_row_with_days_late(
        self, paser_grant, paser_officer
    ):
        rows = overdue_rows(user=paser_officer, today=TODAY)
        assert [(r.period, r.due, r.days_late) for r in rows] == [
            (CW1, datetime.date(2026, 5, 15), 195),
            (CW2, datetime.date(2026, 9, 15), 72),
        ]
        assert rows[0].regency_name == "Kabupaten Paser"
        assert rows[0].report_id is None
        assert rows[0].write_url.startswith(reverse("reports:report_create"))

    def test_drafts_and_returned_reports_stay_submitted_and_accepted_leave(
        self, paser_grant, program, province_staff, paser_officer, head
    ):
        group = paser_grant.group.name
        draft = write(paser_grant, paser_officer, CW1)
        assert keys(overdue_rows(user=paser_officer, today=TODAY)) == [
            (group, CW1, "draft"),
            (group, CW2, ""),
        ]
        services.report_submit(report=draft, by=paser_officer)
        returned = services.report_return(
            report=submit(paser_grant, paser_officer, CW2), by=head, reason="Foto kurang"
        )
        rows = overdue_rows(user=paser_officer, today=TODAY)
        assert keys(rows) == [(group, CW2, "returned")]
        assert rows[0].return_reason == "Foto kurang"
        assert rows[0].write_url == reverse("reports:report_update", args=[returned.pk])
        services.report_accept(report=draft, by=head)
        services.report_accept(
            report=services.report_submit(report=returned, by=paser_officer), by=head
        )
        assert overdue_rows(user=paser_officer, today=TODAY) == []

    def test_a_report_is_due_on_its_due_date_not_before(self, paser_grant, paser_officer):
        assert [r.period for r in overdue_rows(user=paser_officer, today=CW1.due)] == [CW1]
        assert overdue_rows(user=paser_officer, today=CW1.due)[0].days_late == 0
        day_before = CW1.due - datetime.timedelta(days=1)
        assert overdue_rows(user=paser_officer, today=day_before) == []

    @pytest.mark.parametrize("status", ["awarded", "completed", "cancelled"])
    def test_only_transferred_and_active_grants_owe(self, program, paser_officer, status):
        GrantFactory(
            program=program,
            status=status,
            transferred_on=None
            if status in ("awarded", "cancelled")
            else datetime.date(2026, 3, 2),
            completed_on=datetime.date(2026, 10, 1) if status == "completed" else None,
        )
        assert overdue_rows(user=paser_officer, today=TODAY) == []

    def test_scope_and_regency_filter(
        self, paser_grant, berau_grant, province_staff, berau_officer, paser
    ):
        regencies = {r.regency_code for r in overdue_rows(user=province_staff, today=TODAY)}
        assert regencies == {"64.01", "64.03"}
        berau_rows = overdue_rows(user=berau_officer, today=TODAY)
        assert {r.group_id for r in berau_rows} == {berau_grant.group_id}
        assert overdue_rows(user=berau_officer, today=TODAY, regency=paser) == []
        only_paser = overdue_rows(user=province_staff, today=TODAY, regency=paser)
        assert {r.group_id for r in only_paser} == {paser_grant.group_id}

    def test_a_group_with_two_grants_owes_one_report_per_period(
        self, paser_grant, province_staff, paser_officer, kaltim
    ):
        other = open_program(name="Bantuan Lanjutan")
        GrantFactory(
            program=other,
            group=paser_grant.group,
            status="active",
            transferred_on=datetime.date(2026, 6, 1),
        )
        rows = overdue_rows(user=paser_officer, today=TODAY)
        assert [r.period for r in rows] == [CW1, CW2]

    @pytest.mark.parametrize("groups", [1, 50])
    def test_two_queries_whatever_the_number_of_groups(
        self, program, province_staff, groups, django_assert_num_queries
    ):
        for _ in range(groups):
            GrantFactory(
                program=program, status="transferred", transferred_on=datetime.date(2026, 3, 2)
            )
        rebuild_owed_reports()  # grants written outside the services
        # the kept rows' horizon, and the rows (group, regency, programme, report)
        with django_assert_num_queries(2):
            rows = overdue_rows(user=province_staff, today=TODAY)
        assert len(rows) == 2 * groups


@pytest.mark.django_db
class TestOverduePage:
    def test_berau_officer_sees_no_paser_row_nor_choice(
        self, client, paser_grant, berau_grant, berau_officer
    ):
        client.force_login(berau_officer)
        for params in ["", "?regency=64.01", "?sort=regency"]:
            content = client.get(reverse("reports:overdue") + params).content.decode()
            assert paser_grant.group.name not in content, params
            assert berau_grant.group.name in content, params
        assert "Kabupaten Paser" not in content  # not even as a filter choice

    def test_province_staff_filter_by_regency(
        self, client, paser_grant, berau_grant, province_staff
    ):
        client.force_login(province_staff)
        content = client.get(reverse("reports:overdue") + "?regency=64.03").content.decode()
        assert berau_grant.group.name in content
        assert paser_grant.group.name not in content

    def test_sortable_by_days_late_and_regency(
        self, client, paser_grant, berau_grant, province_staff
    ):
        client.force_login(province_staff)
        table = client.get(reverse("reports:overdue") + "?sort=-days_late").context["table"]
        days = [row.record.days_late for row in table.rows]
        assert days == sorted(days, reverse=True) == [195, 195, 72, 72]
        table = client.get(reverse("reports:overdue") + "?sort=-regency").context["table"]
        assert [row.record.regency_code for row in table.rows] == ["64.03"] * 2 + ["64.01"] * 2

    def test_officer_has_a_write_button_others_do_not(
        self, client, paser_grant, paser_officer, province_staff
    ):
        client.force_login(paser_officer)
        content = client.get(reverse("reports:overdue")).content.decode()
        assert f"?grant={paser_grant.pk}&amp;year=2026&amp;term=1" in content
        client.force_login(province_staff)
        content = client.get(reverse("reports:overdue")).content.decode()
        assert reverse("reports:report_create") not in content

    def test_an_accepted_report_leaves_the_page(self, client, paser_grant, paser_officer, head):
        for period in (CW1, CW2):
            services.report_accept(report=submit(paser_grant, paser_officer, period), by=head)
        client.force_login(paser_officer)
        content = client.get(reverse("reports:overdue")).content.decode()
        assert paser_grant.group.name not in content

    @pytest.mark.parametrize("groups", [1, 50])
    def test_queries_do_not_grow_with_groups(
        self, client, program, province_staff, groups, django_assert_num_queries
    ):
        for _ in range(groups):
            GrantFactory(
                program=program, status="transferred", transferred_on=datetime.date(2026, 3, 2)
            )
        rebuild_owed_reports()  # grants written outside the services
        client.force_login(province_staff)
        # session, user, the kept rows' horizon, the counts of rows, groups and
        # regencies, the page's rows (group, regency, programme, report), the first year
        # an LPJ is owed (the LPJ owing spans: none here, so no LPJ query follows), the
        # regency filter choices, and the idle-timeout session refresh (savepoint, update,
        # release)
        with django_assert_num_queries(10):
            response = client.get(reverse("reports:overdue"))
        assert response.context["row_count"] == 2 * groups


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.mark.django_db
class TestExport:
    def test_headers_values_and_dates(self, client, paser_grant, paser_officer, head):
        returned = services.report_return(
            report=submit(paser_grant, paser_officer, CW2), by=head, reason="Foto kurang"
        )
        assert returned.status == ReportStatus.RETURNED
        client.force_login(paser_officer)
        response = client.get(reverse("reports:overdue_export"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "laporan-terlambat-2026-11-26.xlsx" in response["Content-Disposition"]
        header, *rows = read_xlsx(response)
        assert header[:4] == (
            "Kode Kabupaten/Kota",
            "Kabupaten/Kota",
            "No. Registrasi",
            "Nama Kelompok",
        )
        assert "Jatuh Tempo" in header and "Hari Terlambat" in header
        as_dicts = [dict(zip(header, row, strict=True)) for row in rows]
        assert [(r["Tahun"], r["Catur Wulan"], r["Hari Terlambat"]) for r in as_dicts] == [
            (2026, "I", 195),
            (2026, "II", 72),
        ]
        assert as_dicts[0]["Jatuh Tempo"] == datetime.datetime(2026, 5, 15)  # a date cell
        assert as_dicts[1]["Status Laporan"] == "Dikembalikan"
        assert as_dicts[1]["Alasan Dikembalikan"] == "Foto kurang"
        assert as_dicts[0]["Nama Kelompok"] == paser_grant.group.name

    def test_berau_officer_exports_no_paser_row(
        self, client, paser_grant, berau_grant, berau_officer
    ):
        client.force_login(berau_officer)
        for params in ["", "?regency=64.01"]:
            header, *rows = read_xlsx(client.get(reverse("reports:overdue_export") + params))
            names = {row[header.index("Nama Kelompok")] for row in rows}
            regencies = {row[0] for row in rows}
            assert names == {berau_grant.group.name}, params
            assert regencies == {"64.03"}, params

    def test_a_formula_like_name_stays_text(self, client, paser_grant, paser_officer):
        group = paser_grant.group
        group.name = "=HYPERLINK(1)"
        group.save()
        client.force_login(paser_officer)
        header, *rows = read_xlsx(client.get(reverse("reports:overdue_export")))
        assert rows[0][header.index("Nama Kelompok")] == "=HYPERLINK(1)"

    @pytest.mark.parametrize("groups", [1, 50])
    def test_queries_do_not_grow_with_groups(
        self, client, program, province_staff, groups, django_assert_num_queries
    ):
        for _ in range(groups):
            GrantFactory(
                program=program, status="transferred", transferred_on=datetime.date(2026, 3, 2)
            )
        rebuild_owed_reports()  # grants written outside the services
        client.force_login(province_staff)
        # session, user, the kept rows' horizon, the idle-timeout session refresh
        # (savepoint, update, release), the access log's entry, the first year an LPJ is
        # owed (none here: the second sheet has no rows to read), and the rows (group,
        # regency, programme, report) read while the file streams
        with django_assert_num_queries(9):
            rows = read_xlsx(client.get(reverse("reports:overdue_export")))
        assert len(rows) == 1 + 2 * groups


@pytest.mark.django_db
class TestWaitingLines:
    def lines(self, user):
        with translation.override("en"):
            return {str(line.label): line for line in waiting_for(user)}

    def test_officer_reports_due_or_returned(self, paser_grant, berau_grant, paser_officer, head):
        services.report_return(
            report=submit(paser_grant, paser_officer, CW1), by=head, reason="Foto kurang"
        )
        line = self.lines(paser_officer)["Reports due or returned"]
        assert line.count == 2  # CW I returned, CW II missing; nothing of Berau's
        assert line.url == reverse("reports:overdue") + "?regency=64.01"

    def test_head_reports_to_review(self, paser_grant, berau_grant, paser_officer, head, kaltim):
        submit(paser_grant, paser_officer, CW1)
        berau_officer = UserFactory(username="b2", role=Role.REGENCY_OFFICER, regency_id="64.03")
        submit(berau_grant, berau_officer, CW1)
        lines = self.lines(head)
        assert lines["Reports to review"].count == 1
        assert lines["Reports to review"].url == reverse("reports:review_queue")
        assert "Regencies with overdue reports" not in lines

    def test_province_staff_regencies_with_overdue_reports(
        self, paser_grant, berau_grant, province_staff, approver
    ):
        line = self.lines(province_staff)["Regencies with overdue reports"]
        assert line.count == 2
        assert line.url == reverse("reports:overdue")
        assert "Regencies with overdue reports" not in self.lines(approver)

    def test_home_page_links_the_officer_to_the_overdue_list(
        self, client, paser_grant, paser_officer
    ):
        client.force_login(paser_officer)
        content = client.get(reverse("core:home")).content.decode()
        assert reverse("reports:overdue") + "?regency=64.01" in content
