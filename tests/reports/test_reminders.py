"""send_report_reminders: who is reminded of what, and never twice."""

import datetime
import smtplib
import zoneinfo
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command

from accounts.roles import Role
from grants import services as grant_services
from grants.models import GrantStatus
from reports import services as report_services
from reports.models import ReminderLog
from reports.periods import Period
from reports.reminders import send_report_reminders
from tests.conftest import run_concurrently
from tests.factories import RegencyOfficerFactory, UserFactory
from tests.grants.money import eligible_group, open_program, record_transfer

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
CW2 = Period(2026, 2)
FIGURES = {
    "revenue": 12_500_000,
    "costs": 8_000_000,
    "profit": 4_500_000,
    "capital_used": 10_000_000,
    "asset_value": 9_000_000,
    "cash_balance": 3_000_000,
    "active_members": 5,
    "condition": "berkembang",
}


def move_to(time_machine, day: datetime.date):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(7, 0), WITA), tick=False)


@pytest.fixture(autouse=True)
def on_10_september_2026(time_machine):
    """The report of catur wulan I 2026 was due on 15 May (118 days ago); that of catur
    wulan II 2026 is due on 15 September, in 5 days."""
    move_to(time_machine, datetime.date(2026, 9, 10))


def funded(program, staff, *, regency, name, transferred_on):
    grant = grant_services.grant_award(
        program=program, group=eligible_group(regency, name=name), by=staff
    )
    return record_transfer(
        grant=grant, by=staff, transferred_on=transferred_on, reference="TRF-001"
    )


@pytest.fixture
def program(kaltim):
    # The factories' registrar of the groups is province staff too: no email, no reminders.
    UserFactory(username="pendaftar", email="")
    return open_program()


@pytest.fixture
def paser_grant(program, province_staff):
    """Transferred in catur wulan I: owes I (118 days late) and II (due in 5 days)."""
    return funded(
        program,
        province_staff,
        regency="64.01",
        name="KUBE Mawar Paser",
        transferred_on=datetime.date(2026, 3, 2),
    )


@pytest.fixture
def berau_grant(program, province_staff):
    """Transferred in catur wulan II: owes only II (due in 5 days)."""
    return funded(
        program,
        province_staff,
        regency="64.03",
        name="KUBE Melati Berau",
        transferred_on=datetime.date(2026, 5, 4),
    )


@pytest.fixture
def everyone(personas, paser_grant, berau_grant):
    return personas


def emails():
    """The outbox by recipient; each recipient gets at most one email per run."""
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(by_recipient) == len(mail.outbox) and all(len(m.to) == 1 for m in mail.outbox)
    return by_recipient


def logged(user=None):
    rows = ReminderLog.objects.select_related("recipient", "grant__group")
    rows = rows if user is None else rows.filter(recipient=user)
    return {(r.recipient.username, r.grant.group.name, r.year, r.term, r.kind) for r in rows}


PASER_I = "- KUBE Mawar Paser ({reg}): catur wulan I 2026, batas 15 Mei 2026, terlambat 118 hari"
PASER_II = "- KUBE Mawar Paser ({reg}): catur wulan II 2026, batas 15 September 2026, 5 hari lagi"


@pytest.mark.django_db
class TestFirstRun:
    def test_each_officer_gets_only_their_regency(self, everyone, paser_grant, berau_grant):
        send_report_reminders()
        sent = emails()
        assert set(sent) == {"siti@dinsos.example", "agus@dinsos.example", "rina@dinsos.example"}
        siti, agus = sent["siti@dinsos.example"].body, sent["agus@dinsos.example"].body
        assert "KUBE Mawar Paser" in siti and "Melati" not in siti
        assert "KUBE Melati Berau" in agus and "Mawar" not in agus
        assert {row[1] for row in logged(everyone["berau_officer"])} == {"KUBE Melati Berau"}

    def test_due_within_7_days_and_overdue(self, everyone, paser_grant):
        send_report_reminders()
        message = emails()["siti@dinsos.example"]
        reg = paser_grant.group.registration_number
        assert message.subject == (
            "[Modal Usaha] Pengingat: 2 laporan perkembangan usaha Kabupaten Paser belum diserahkan"
        )
        overdue, due_soon = message.body.split("JATUH TEMPO DALAM 7 HARI")
        assert "TERLAMBAT" in overdue and PASER_I.format(reg=reg) in overdue
        assert PASER_II.format(reg=reg) in due_soon
        assert logged(everyone["paser_officer"]) == {
            ("siti", "KUBE Mawar Paser", 2026, 1, "overdue"),
            ("siti", "KUBE Mawar Paser", 2026, 2, "due_soon"),
        }

    def test_more_than_30_days_late_goes_to_province_staff_only(self, everyone, paser_grant):
        send_report_reminders()
        sent = emails()
        assert "hendra@dinsos.example" not in sent  # the approver
        message = sent["rina@dinsos.example"]
        assert "1 laporan perkembangan usaha terlambat lebih dari 30 hari" in message.subject
        assert "PASER\n" + PASER_I.format(reg=paser_grant.group.registration_number) in (
            message.body
        )
        assert "Melati" not in message.body and "catur wulan II" not in message.body
        assert logged(everyone["province_staff"]) == {
            ("rina", "KUBE Mawar Paser", 2026, 1, "escalated")
        }
        assert not ReminderLog.objects.filter(kind="escalated").exclude(
            recipient=everyone["province_staff"]
        )

    def test_without_email_or_inactive_nobody_is_written_to(self, personas, paser_grant, paser):
        RegencyOfficerFactory(username="tanpa.email", email="", regency=paser)
        RegencyOfficerFactory(username="pensiun", is_active=False, regency=paser)
        UserFactory(username="prov.tanpa.email", email="", role=Role.PROVINCE_STAFF)
        UserFactory(username="prov.pensiun", is_active=False, role=Role.PROVINCE_STAFF)
        UserFactory(username="kepala.paser", role=Role.REGENCY_HEAD, regency=paser)
        run = send_report_reminders()
        assert set(emails()) == {"siti@dinsos.example", "rina@dinsos.example"}
        assert (run.emails, run.items) == (2, 3)
        assert {row[0] for row in logged()} == {"siti", "rina"}

    @pytest.mark.parametrize(
        "status, reminded",
        [(GrantStatus.ACTIVE, True), (GrantStatus.COMPLETED, False), ("cancelled", False)],
    )
    def test_only_transferred_and_active_grants(self, personas, paser_grant, status, reminded):
        type(paser_grant).objects.filter(pk=paser_grant.pk).update(
            status=status, completed_on=datetime.date(2026, 9, 1)
        )
        send_report_reminders()
        assert bool(mail.outbox) is reminded


@pytest.mark.django_db
class TestNeverTwice:
    def test_a_second_run_sends_nothing(self, everyone):
        first = send_report_reminders()
        rows = logged()
        mail.outbox.clear()
        second = send_report_reminders()
        assert (first.emails, first.items) == (3, 4)
        assert (second.emails, second.items, mail.outbox) == (0, 0, [])
        assert logged() == rows

    def test_as_time_passes_only_the_new_items(self, everyone, paser_grant, time_machine):
        send_report_reminders()
        mail.outbox.clear()

        move_to(time_machine, datetime.date(2026, 9, 20))  # catur wulan II 5 days late
        send_report_reminders()
        sent = emails()
        assert set(sent) == {"siti@dinsos.example", "agus@dinsos.example"}
        siti = sent["siti@dinsos.example"].body
        assert "catur wulan II 2026, batas 15 September 2026, terlambat 5 hari" in siti
        assert "catur wulan I 2026" not in siti and "JATUH TEMPO" not in siti
        mail.outbox.clear()

        move_to(time_machine, datetime.date(2026, 10, 16))  # 31 days late: to the province
        send_report_reminders()
        assert set(emails()) == {"rina@dinsos.example"}
        body = mail.outbox[0].body
        assert "catur wulan I 2026" not in body
        assert body.index("PASER") < body.index("KUBE Mawar Paser") < body.index("BERAU")
        assert body.index("BERAU") < body.index("KUBE Melati Berau")
        assert "terlambat 31 hari" in body

    def test_a_submitted_report_removes_the_item_a_draft_does_not(
        self, everyone, paser_grant, berau_grant
    ):
        paser_report = report_services.report_create(
            grant=paser_grant, period=CW2, data=FIGURES, by=everyone["paser_officer"]
        )
        report_services.report_submit(report=paser_report, by=everyone["paser_officer"])
        report_services.report_create(
            grant=berau_grant, period=CW2, data=FIGURES, by=everyone["berau_officer"]
        )
        send_report_reminders()
        sent = emails()
        assert "catur wulan I 2026" in sent["siti@dinsos.example"].body
        assert "catur wulan II" not in sent["siti@dinsos.example"].body
        assert "catur wulan II 2026" in sent["agus@dinsos.example"].body

    def test_a_dry_run_sends_and_logs_nothing(self, everyone):
        run = send_report_reminders(dry_run=True)
        assert (run.emails, run.items) == (3, 4)
        assert "KUBE Mawar Paser" in run.reminders[0].body + run.reminders[1].body
        assert mail.outbox == [] and not ReminderLog.objects.exists()
        assert send_report_reminders().emails == 3

    def test_an_email_the_server_refuses_is_retried_next_run(self, everyone, settings):
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
        run = send_report_reminders()
        assert (run.emails, len(run.failed), mail.outbox) == (0, 3, [])
        assert not ReminderLog.objects.exists()
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        assert send_report_reminders().emails == 3


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({})


@pytest.mark.django_db
class TestCommand:
    def call(self, *args):
        out = StringIO()
        call_command("send_report_reminders", *args, stdout=out)
        return out.getvalue()

    def test_summary(self, everyone):
        assert self.call().strip() == "2026-09-10: 3 surel terkirim (4 butir)."
        assert self.call().strip() == "2026-09-10: 0 surel terkirim (0 butir)."

    def test_dry_run_prints_the_emails(self, everyone):
        output = self.call("--dry-run")
        assert "To: siti@dinsos.example\nSubject: [Modal Usaha] Pengingat: 2 laporan" in output
        assert "Uji coba untuk 2026-09-10: 3 surel (4 butir) akan dikirim." in output
        assert mail.outbox == [] and not ReminderLog.objects.exists()

    def test_today(self, everyone):
        self.call("--today", "2026-09-20")
        assert ReminderLog.objects.filter(year=2026, term=2, kind="overdue").count() == 2
        with pytest.raises(CommandError, match="TTTT-BB-HH"):
            self.call("--today", "20-09-2026")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(postgres, everyone):
    results = run_concurrently(lambda _i: send_report_reminders(), range(2))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(run.items for run in results) == 4 and ReminderLog.objects.count() == 4
    lines = [
        line
        for message in mail.outbox
        for line in message.body.splitlines()
        if line.startswith("- ")
    ]
    assert len(lines) == 4  # siti 2, agus 1, rina 1: nobody gets a line twice
