"""The paper trail's list pages and downloads: their query count does not grow with the
rows, and each role finds its work in Menunggu Anda."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import services
from reports import services as report_services
from tests.grants.money import eligible_group, open_program, ready_for_aid, scan
from tests.grants.test_handovers import ITEMS, TOTAL
from tests.grants.test_spending import buy, withdrawn

pytestmark = pytest.mark.django_db

LISTS = [
    "grants:decree_list",
    "grants:decree_list_export",
    "grants:agreement_list",
    "grants:agreement_list_export",
    "grants:handover_list",
    "grants:handover_list_export",
    "grants:spending_list",
    "grants:spending_list_export",
    "reports:lpj_list",
    "reports:lpj_list_export",
    "letters:letter_list",
    "letters:letter_list_export",
]


def one_of_each(*, cash, in_kind, staff, officer, approver):
    """A cash grant through its tranche's spending and an early LPJ, and an in-kind grant
    handed over: a row in every list."""
    grant = services.grant_award(program=cash, group=eligible_group(), by=staff)
    grant = ready_for_aid(grant, staff)
    grant = services.grant_record_transfer(
        grant=grant, by=staff, transferred_on=datetime.date(2026, 3, 2), reference="T"
    )
    report = withdrawn(grant, officer, approver).spending
    buy(report, officer, 1_000_000)
    services.spending_submit(report=report, by=officer)
    gift = services.grant_award(program=in_kind, group=eligible_group(), by=staff, amount=TOTAL)
    gift = ready_for_aid(gift, staff)
    handover = services.handover_issue(
        grant=gift,
        items=ITEMS,
        official=staff,
        by=staff,
        handed_over_on=datetime.date(2026, 3, 3),
        place="Tanah Grogot",
    )
    services.handover_sign(handover=handover, by=staff, scan=scan())
    services.grant_complete(grant=gift, by=staff)
    report_services.lpj_submit(group=gift.group, year=2026, statement="X", by=officer)


def queries(client, name) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, name
    return len(captured)


def test_list_queries_do_not_grow_with_rows(
    client, kaltim, province_staff, paser_officer, approver
):
    cash = open_program(name="Tunai")
    in_kind = open_program(name="Barang", aid_form="in_kind")
    cast = {"staff": province_staff, "officer": paser_officer, "approver": approver}
    one_of_each(cash=cash, in_kind=in_kind, **cast)
    client.force_login(province_staff)
    small = {name: queries(client, name) for name in LISTS}
    for _ in range(3):
        one_of_each(cash=cash, in_kind=in_kind, **cast)
    assert {name: queries(client, name) for name in LISTS} == small


def test_each_role_finds_its_paper_work_at_home(
    client, kaltim, province_staff, paser_officer, approver, paser_head
):
    program = open_program(spending_share_percent=100)
    awarded = services.grant_award(program=program, group=eligible_group(), by=province_staff)
    decree = services.decree_prepare(program=program, signatory=province_staff, by=province_staff)

    def lines(user):
        client.force_login(user)
        return {
            line.label: line.count for line in client.get(reverse("core:home")).context["waiting"]
        }

    assert lines(province_staff)["Konsep SK yang perlu dicatat sebagai ditandatangani"] == 1
    services.decree_sign(decree=decree, by=province_staff, signed_on=datetime.date(2026, 1, 12))
    assert lines(province_staff)["Hibah dalam SK yang belum memiliki NPHD"] == 1
    agreement = services.agreement_issue(grant=awarded, signatory=province_staff, by=province_staff)
    assert lines(paser_officer)["NPHD yang perlu ditandatangani dan diunggah"] == 1
    services.agreement_sign(
        agreement=agreement, by=paser_officer, signed_on=agreement.issued_on, scan=scan()
    )
    grant = services.grant_record_transfer(
        grant=awarded,
        by=province_staff,
        transferred_on=agreement.issued_on,
        reference="T",
    )
    report = withdrawn(grant, paser_officer, approver).spending
    assert lines(paser_officer)["Belanja tahap yang sudah dicairkan perlu dicatat"] == 1
    buy(report, paser_officer, 10_000_000)
    services.spending_submit(report=report, by=paser_officer)
    assert lines(paser_head)["Pertanggungjawaban belanja tahap perlu diperiksa"] == 1
    assert lines(province_staff)["Pertanggungjawaban belanja tahap perlu diperiksa"] == 1
