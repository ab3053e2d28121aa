"""The yearly accountability report (LPJ): assembled from the year's accepted spending and
progress reports, due on 10 January of the next year; submitted by the regency officer,
received by province staff with a receipt numbered from the register, or returned; overdue
LPJs on the overdue page, in the reminders and on the dashboard."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.errors import DomainError
from grants import services as grant_services
from reports import rules, services
from reports.dashboard import dashboard
from reports.lpj import lpj_content
from reports.lpj_pdf import lpj_pdf
from reports.models import AccountabilityReport, LpjStatus
from reports.periods import LpjYear, Period, lpj_years_owed
from reports.reminders import send_report_reminders
from tests.contract import assert_contract
from tests.grants.money import open_program, transferred_grant
from tests.grants.test_spending import buy, withdrawn
from tests.reports.conftest import report as accepted_report
from tests.reports.test_summaries import check as summaries_match

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
STATEMENT = "Dana dipakai untuk bahan baku amplang; omzet naik dan dua anggota baru bergabung."


def move_to(time_machine, day: datetime.date):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9, 0), WITA), tick=False)


@pytest.fixture
def on(time_machine):
    return lambda day: move_to(time_machine, day)


@pytest.fixture
def grant(on, kaltim, province_staff, paser_officer, approver, paser_head):
    """A Paser grant transferred on 2 March 2026; tranche 1 (Rp10.000.000) withdrawn in
    August, its purchases accepted; the catur wulan I report accepted."""
    on(datetime.date(2026, 8, 10))
    grant = transferred_grant(open_program(), province_staff)
    tranche = withdrawn(grant, paser_officer, approver)
    buy(tranche.spending, paser_officer, 6_000_000, item="Ikan pipih")
    buy(tranche.spending, paser_officer, 4_000_000, item="Kemasan berlabel")
    grant_services.spending_submit(report=tranche.spending, by=paser_officer)
    grant_services.spending_accept(report=tranche.spending, by=paser_head)
    accepted_report(grant, Period(2026, 1), 9_000_000, officer=paser_officer, reviewer=paser_head)
    grant.refresh_from_db()
    return grant


def submit(grant, officer):
    return services.lpj_submit(group=grant.group, year=2026, statement=STATEMENT, by=officer)


def test_a_grant_owes_an_lpj_per_year_from_its_transfer_due_on_10_january():
    march, completed = datetime.date(2026, 3, 2), datetime.date(2027, 5, 1)
    assert LpjYear(2026).due == datetime.date(2027, 1, 10)
    assert lpj_years_owed(transferred_on=march, today=datetime.date(2027, 1, 9)) == []
    assert lpj_years_owed(transferred_on=march, today=datetime.date(2027, 1, 10)) == [LpjYear(2026)]
    assert lpj_years_owed(
        transferred_on=march, completed_on=completed, today=datetime.date(2029, 2, 1)
    ) == [LpjYear(2026), LpjYear(2027)]


class TestServices:
    def test_written_from_1_december(self, on, grant, paser_officer):
        on(datetime.date(2026, 11, 26))
        with pytest.raises(DomainError, match="mulai 1 Desember 2026"):
            submit(grant, paser_officer)
        on(datetime.date(2026, 12, 1))
        lpj = submit(grant, paser_officer)
        assert (lpj.status, lpj.grant, lpj.year) == (LpjStatus.SUBMITTED, grant, 2026)
        with pytest.raises(DomainError, match="sudah diserahkan"):
            submit(grant, paser_officer)
        summaries_match("LPJ submitted")

    def test_received_with_a_numbered_receipt(self, on, grant, paser_officer, province_staff):
        on(datetime.date(2027, 1, 6))
        lpj = submit(grant, paser_officer)
        lpj = services.lpj_receive(lpj=lpj, by=province_staff)
        assert lpj.status == LpjStatus.RECEIVED
        assert lpj.receipt.number == "400.9.5/0001/TT-LPJ/DINSOS/2027"
        assert (lpj.received_on, lpj.received_by) == (datetime.date(2027, 1, 6), province_staff)
        assert lpj.receipt.signed_by == province_staff and lpj.receipt.regency_id == "64.01"
        summaries_match("LPJ received")

    def test_returned_then_submitted_again(self, on, grant, paser_officer, province_staff):
        on(datetime.date(2027, 1, 6))
        lpj = submit(grant, paser_officer)
        lpj = services.lpj_return(lpj=lpj, by=province_staff, reason="Nota tahap 1 kurang")
        assert (lpj.status, lpj.return_reason) == (LpjStatus.RETURNED, "Nota tahap 1 kurang")
        lpj = services.lpj_resubmit(
            lpj=lpj, statement=STATEMENT + " Nota dilengkapi.", by=paser_officer
        )
        assert lpj.status == LpjStatus.SUBMITTED
        summaries_match("LPJ resubmitted")

    def test_the_receiver_signs_with_a_nip(self, on, grant, paser_officer, province_staff):
        on(datetime.date(2027, 1, 6))
        lpj = submit(grant, paser_officer)
        province_staff.nip = ""
        province_staff.save()
        with pytest.raises(DomainError, match="NIP"):
            services.lpj_receive(lpj=lpj, by=province_staff)

    def test_a_completed_grant_may_account_before_december(
        self, on, grant, paser_officer, approver, paser_head, province_staff
    ):
        on(datetime.date(2026, 9, 1))
        second = withdrawn(grant, paser_officer, approver)
        buy(second.spending, paser_officer, 10_000_000)
        grant_services.spending_submit(report=second.spending, by=paser_officer)
        grant_services.spending_accept(report=second.spending, by=paser_head)
        grant_services.grant_complete(grant=grant, by=province_staff)
        assert submit(grant, paser_officer).year == 2026


class TestContent:
    def test_the_pdf_accounts_for_the_year(self, on, grant, paser_officer, province_staff):
        on(datetime.date(2027, 1, 6))
        services.lpj_receive(lpj=submit(grant, paser_officer), by=province_staff)
        content = lpj_content(group=grant.group, year=2026)
        assert (content.withdrawn, content.accounted, content.unaccounted) == (
            10_000_000,
            10_000_000,
            0,
        )
        reader = PdfReader(io.BytesIO(lpj_pdf(content)))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        agreement = grant.agreement
        for expected in [
            "LAPORAN PERTANGGUNGJAWABAN (LPJ)",
            "TAHUN 2026",
            "Batas penyampaian : 10 Januari 2027",
            f"NPHD : {agreement.number}, tanggal {agreement.issued_on:%d} Januari 2026",
            "Nilai hibah : Rp20.000.000 (dua puluh juta rupiah)",
            "Ikan pipih",
            "Kemasan berlabel",
            "JUMLAH Rp10.000.000",
            "Dipertanggungjawabkan : Rp10.000.000 (sepuluh juta rupiah)",
            "I 2026 Rp9.000.000",
            STATEMENT,
            "TANDA TERIMA LPJ · Nomor: 400.9.5/0001/TT-LPJ/DINSOS/2027",
            f"Yang menerima, {province_staff.position} {province_staff.get_full_name()} "
            f"NIP. {province_staff.nip_display}",
        ]:
            assert expected in text, expected


class TestOverdue:
    def test_on_the_overdue_page_its_export_and_the_officers_home(
        self, on, client, grant, paser_officer, province_staff
    ):
        on(datetime.date(2027, 2, 1))
        client.force_login(paser_officer)
        page = client.get(reverse("reports:overdue")).content.decode()
        lpj_url = reverse("reports:lpj_group", args=[grant.group_id, 2026])
        assert lpj_url in page and "LPJ 2026" in page
        home = client.get(reverse("core:home")).context["waiting"]
        assert ("LPJ yang jatuh tempo atau dikembalikan", 1) in [
            (line.label, line.count) for line in home
        ]
        client.force_login(province_staff)
        response = client.get(reverse("reports:overdue_export"))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        header, *rows = list(book["LPJ Terlambat"].iter_rows(values_only=True))
        (row,) = [dict(zip(header, r, strict=True)) for r in rows]
        assert (row["Tahun LPJ"], row["Hari Terlambat"], row["Status LPJ"]) == (
            2026,
            22,
            "Belum diserahkan",
        )
        submit(grant, paser_officer)
        page = client.get(reverse("reports:overdue")).content.decode()
        assert lpj_url not in page

    def test_in_the_reminders(self, on, grant, paser_officer, province_staff):
        on(datetime.date(2027, 1, 5))
        send_report_reminders()
        officer_mail = next(m for m in mail.outbox if paser_officer.email in m.to)
        assert re.search(r"LPJ 2026, batas 10 Januari 2027, 5 hari lagi", officer_mail.body)
        assert "LPJ: laporan pertanggungjawaban" in officer_mail.body
        mail.outbox.clear()
        on(datetime.date(2027, 2, 15))
        send_report_reminders()
        staff_mail = next(m for m in mail.outbox if province_staff.email in m.to)
        assert "LPJ 2026, batas 10 Januari 2027, terlambat 36 hari" in staff_mail.body
        mail.outbox.clear()
        send_report_reminders()
        assert not any("LPJ 2026" in m.body for m in mail.outbox)  # never twice

    def test_on_the_dashboard(self, on, grant, paser_officer, province_staff, berau_officer):
        on(datetime.date(2027, 2, 1))
        board = dashboard(user=province_staff)
        assert [y.year for y in board.lpj_years] == [2026, 2027]
        paser = next(r for r in board.rows if r.code == "64.01")
        assert (paser.lpjs[0].owing, paser.lpjs[0].missing) == (1, 1)
        submit(grant, paser_officer)
        paser = next(r for r in dashboard(user=province_staff).rows if r.code == "64.01")
        assert (paser.lpjs[0].submitted, paser.lpjs[0].missing) == (1, 0)
        assert dashboard(user=berau_officer).total.lpjs[0].owing == 0


@pytest.fixture
def lpjs(on, grant, kaltim, province_staff, paser_officer, approver, paser_head):
    """LPJs 2026 of Paser groups: to submit, submitted, returned and received."""
    on(datetime.date(2027, 1, 6))
    program = grant.program
    groups = {"to submit": grant.group}
    for label in ("submitted", "returned", "received"):
        other = transferred_grant(program, province_staff)
        lpj = services.lpj_submit(group=other.group, year=2026, statement="X", by=paser_officer)
        if label == "returned":
            services.lpj_return(lpj=lpj, by=province_staff, reason="Kurang")
        if label == "received":
            services.lpj_receive(lpj=lpj, by=province_staff)
        groups[label] = other.group
    return groups


class TestOverdueRows:
    """The overdue LPJs are counted from the kept summaries and read a page at a time in
    SQL: the count is the number of rows, and every row is on one page."""

    def test_count_rows_and_pages_agree(
        self, on, client, lpjs, province_staff, paser_officer, berau_officer, monkeypatch
    ):
        from reports import views
        from reports.selectors import lpj_rows, overdue_lpj_rows

        on(datetime.date(2027, 2, 1))
        rows = overdue_lpj_rows(user=province_staff, today=datetime.date(2027, 2, 1))
        listed = list(rows)
        # the LPJ never submitted and the returned one; not the submitted or received ones
        assert {row.group_id for row in listed} == {lpjs["to submit"].pk, lpjs["returned"].pk}
        assert rows.count() == len(listed) == 2
        assert [row.status for row in listed if row.group_id == lpjs["returned"].pk] == [
            LpjStatus.RETURNED
        ]
        assert {row.days_late for row in listed} == {22}
        assert rows[1:2] == listed[1:2]
        berau = overdue_lpj_rows(user=berau_officer, today=datetime.date(2027, 2, 1))
        assert (berau.count(), list(berau)) == (0, [])
        # before 10 January nothing is late, but the officer's notice counts what is due soon
        early = datetime.date(2027, 1, 3)
        assert overdue_lpj_rows(user=paser_officer, today=early).count() == 0
        soon = lpj_rows(user=paser_officer, today=early, within_days=14)
        assert soon.count() == len(list(soon)) == 2

        monkeypatch.setattr(views, "LPJ_PER_PAGE", 1)
        client.force_login(province_staff)
        owed = (lpjs["to submit"].pk, lpjs["returned"].pk)
        seen = []
        for page in (1, 2):
            content = client.get(reverse("reports:overdue"), {"lpj_page": page}).content.decode()
            assert f"Halaman {page} dari 2" in content
            seen += [pk for pk in owed if reverse("reports:lpj_group", args=[pk, 2026]) in content]
        assert sorted(seen) == sorted(owed)  # one on each page


class TestButtons:
    def test_submit(self, client, everyone, lpjs):
        accepted = set()
        for persona, user in everyone.items():
            for label, group in lpjs.items():
                if assert_contract(
                    client,
                    user,
                    page_url=reverse("reports:lpj_group", args=[group.pk, 2026]),
                    action_url=reverse("reports:lpj_submit", args=[group.pk, 2026]),
                    attempt=lambda group=group, user=user: services.lpj_submit(
                        group=group, year=2026, statement="X", by=user
                    ),
                ):
                    accepted.add((persona, label))
        assert accepted == {("paser_officer", "to submit")}

    @pytest.mark.parametrize(
        ("url_name", "attempt", "expected"),
        [
            (
                "reports:lpj_receive",
                lambda lpj, u: services.lpj_receive(lpj=lpj, by=u),
                {("province_staff", "submitted")},
            ),
            (
                "reports:lpj_return",
                lambda lpj, u: services.lpj_return(lpj=lpj, by=u, reason="Kurang"),
                {("province_staff", "submitted")},
            ),
            (
                "reports:lpj_resubmit",
                lambda lpj, u: services.lpj_resubmit(lpj=lpj, statement="Y", by=u),
                {("paser_officer", "returned")},
            ),
        ],
    )
    def test_receive_return_resubmit(self, client, everyone, lpjs, url_name, attempt, expected):
        records = {
            label: AccountabilityReport.objects.get(group=group, year=2026)
            for label, group in lpjs.items()
            if label != "to submit"
        }
        accepted = set()
        for persona, user in everyone.items():
            for label, lpj in records.items():
                if assert_contract(
                    client,
                    user,
                    page_url=reverse("reports:lpj_group", args=[lpj.group_id, 2026]),
                    action_url=reverse(url_name, args=[lpj.pk]),
                    attempt=lambda lpj=lpj, user=user: attempt(lpj, user),
                ):
                    accepted.add((persona, label))
        assert accepted == expected

    def test_the_home_page_counts_what_the_rules_allow(self, everyone, lpjs):
        for user in everyone.values():
            for lpj in AccountabilityReport.objects.all():
                assert bool(rules.lpj_receive(lpj=lpj, user=user)) == (
                    rules.lpjs_to_receive(user).filter(pk=lpj.pk).exists()
                )


class TestPages:
    def test_the_page_the_pdf_and_scope(self, on, client, grant, paser_officer, berau_officer):
        on(datetime.date(2027, 1, 6))
        url = reverse("reports:lpj_group", args=[grant.group_id, 2026])
        pdf_url = reverse("reports:lpj_pdf", args=[grant.group_id, 2026])
        assert client.get(url).status_code == 302
        client.force_login(paser_officer)
        page = client.get(url).content.decode()
        assert pdf_url in page and "Rp10.000.000" in page
        response = client.get(pdf_url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        response = client.post(
            reverse("reports:lpj_submit", args=[grant.group_id, 2026]),
            {"statement": STATEMENT},
            follow=True,
        )
        assert "LPJ telah diserahkan ke provinsi" in response.content.decode()
        client.force_login(berau_officer)
        assert client.get(url).status_code == 404
        assert client.get(pdf_url).status_code == 404

    def test_the_list_and_its_export(self, client, lpjs, province_staff):
        client.force_login(province_staff)
        page = client.get(reverse("reports:lpj_list"), {"status": "received"})
        assert lpjs["received"].name in page.content.decode()
        response = client.get(reverse("reports:lpj_list_export"), {"year": "2026"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["LPJ"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        lines = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
        received = lines[lpjs["received"].name]
        assert received["Nomor Tanda Terima"] == "400.9.5/0001/TT-LPJ/DINSOS/2027"
        assert received["Tanggal Diterima"] == datetime.datetime(2027, 1, 6)
        assert lines[lpjs["returned"].name]["Alasan Dikembalikan"] == "Kurang"
