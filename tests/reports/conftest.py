"""A small data set for the dashboard and its exports, with hand-computed figures."""

import datetime

import pytest

from accounts.roles import Role
from grants import services as grant_services
from reports import services as report_services
from reports.periods import Period
from tests.factories import BusinessGroupFactory, UserFactory
from tests.grants.money import eligible_group, open_program, transferred_grant

TODAY = datetime.date(2026, 11, 26)
CW1, CW2 = Period(2026, 1), Period(2026, 2)


def figures(revenue, condition="stabil"):
    return {
        "revenue": revenue,
        "costs": 1_000_000,
        "profit": 500_000,
        "capital_used": 10_000_000,
        "asset_value": 9_000_000,
        "cash_balance": 3_000_000,
        "active_members": 5,
        "jobs_created": 0,
        "condition": condition,
    }


def report(grant, period, revenue, *, officer, reviewer, condition="stabil", accept=True):
    made = report_services.report_create(
        grant=grant, period=period, data=figures(revenue, condition), by=officer
    )
    made = report_services.report_submit(report=made, by=officer)
    if accept:
        made = report_services.report_accept(report=made, by=reviewer)
    return made


@pytest.fixture
def dashboard_data(kaltim, province_staff, approver, paser_officer, berau_officer):
    """Paser: g1 and g2 transferred (g1 withdrew Rp10.000.000), g3 awarded only, and a
    proposed group; accepted reports for both periods of g1 (10 → 12,5 million, growing)
    and g2 (8 → 7 million, declining). Berau: b1 transferred with a tranche of
    Rp5.000.000 waiting and its catur wulan II report submitted, not reviewed."""
    program = open_program()
    g1 = transferred_grant(program, province_staff)
    g2 = transferred_grant(program, province_staff)
    g3 = grant_services.grant_award(program=program, group=eligible_group(), by=province_staff)
    BusinessGroupFactory(status="proposed")
    tranche = grant_services.tranche_request(
        grant=g1, amount=10_000_000, purpose="Bahan baku", by=paser_officer
    )
    tranche = grant_services.tranche_approve(tranche=tranche, by=approver)
    grant_services.tranche_mark_withdrawn(
        tranche=tranche, by=paser_officer, withdrawn_on=TODAY, reference="BNK-1"
    )
    b1 = transferred_grant(program, province_staff, regency="64.03")
    grant_services.tranche_request(grant=b1, amount=5_000_000, purpose="Alat", by=berau_officer)
    head = UserFactory(username="yusuf", role=Role.REGENCY_HEAD, regency_id="64.01")
    reviewer = {"officer": paser_officer, "reviewer": head}
    report(g1, CW1, 10_000_000, **reviewer)
    report(g1, CW2, 12_500_000, condition="berkembang", **reviewer)
    report(g2, CW1, 8_000_000, **reviewer)
    report(g2, CW2, 7_000_000, condition="menurun", **reviewer)
    report(b1, CW2, 9_000_000, officer=berau_officer, reviewer=None, accept=False)
    return {"program": program, "g1": g1, "g2": g2, "g3": g3, "b1": b1}
