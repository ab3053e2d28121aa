"""Approvals and rejections are in the access log, written in the deciding transaction."""

from audit.events import Event
from audit.models import AuditEntry
from grants import services as grant_services
from groups import services as group_services
from reports import services as report_services
from reports.periods import Period
from tests.factories import group_with_members
from tests.grants.money import open_program, transferred_grant
from tests.reports.conftest import figures


def entry(event, obj):
    return AuditEntry.objects.get(event=event, object_id=str(obj.pk))


def test_tranche_decisions(kaltim, province_staff, paser_officer, approver):
    grant = transferred_grant(open_program(), province_staff)
    tranche = grant_services.tranche_request(
        grant=grant, amount=1_000_000, purpose="Bahan", by=paser_officer
    )
    grant_services.tranche_approve(tranche=tranche, by=approver, note="Sesuai")
    assert entry(Event.TRANCHE_APPROVED, tranche).username == approver.username
    second = transferred_grant(open_program(name="Lain"), province_staff)
    other = grant_services.tranche_request(
        grant=second, amount=1_000_000, purpose="Alat", by=paser_officer
    )
    grant_services.tranche_reject(tranche=other, by=approver, reason="Tidak sesuai")
    assert entry(Event.TRANCHE_REJECTED, other).detail == "Tidak sesuai"


def test_group_decisions(kaltim, province_staff):
    rejected = group_with_members(5)
    group_services.group_reject(group=rejected, by=province_staff, reason="Data palsu")
    assert entry(Event.GROUP_REJECTED, rejected).detail == "Data palsu"


def test_report_reviews(kaltim, province_staff, paser_officer, paser_head, time_machine):
    time_machine.move_to("2026-11-26 10:00:00+08:00", tick=False)
    grant = transferred_grant(open_program(), province_staff)
    report = report_services.report_create(
        grant=grant, period=Period(2026, 2), data=figures(1), by=paser_officer
    )
    report = report_services.report_submit(report=report, by=paser_officer)
    report_services.report_return(report=report, by=paser_head, reason="Cek omzet")
    assert entry(Event.REPORT_RETURNED, report).detail == "Cek omzet"
