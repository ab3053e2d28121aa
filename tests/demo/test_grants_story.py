"""`manage.py seed_demo`, grants part: the programme, its quotas, and 2026's grants and
tranches, told through the real services.

Seeding takes several seconds, so one test seeds once, checks the story, and then checks
that a second run changes nothing.
"""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from demo.grants import PROGRAM_NAME
from demo.in_kind import PROGRAM_NAME as IN_KIND_PROGRAM
from grants.models import (
    COMMITTED_STATUSES,
    Agreement,
    Grant,
    GrantStatus,
    Handover,
    Program,
    ProgramQuota,
    SpendingReport,
    SpendingStatus,
    Tranche,
    TrancheStatus,
)
from groups.models import BusinessGroup, GroupStatus
from letters.models import DocumentKind, Letter
from reports.models import AccountabilityReport

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything a rerun must leave as it was."""
    return {
        "programs": list(Program.objects.values()),
        "quotas": list(ProgramQuota.objects.order_by("pk").values()),
        "grants": list(Grant.objects.order_by("pk").values()),
        "tranches": list(Tranche.objects.order_by("pk").values()),
        "history": [model.history.count() for model in (Program, ProgramQuota, Grant, Tranche)],
        "users": sorted(User.objects.values_list("username", "role", "regency_id")),
    }


def test_seed_demo_tells_the_grants_story_once():
    output = seed_demo()

    program = Program.objects.get(name=PROGRAM_NAME, fiscal_year=2026)
    assert program.total_budget == 3_500_000_000
    assert program.default_amount == 20_000_000
    assert (program.status, program.first_tranche_max_percent, program.max_tranches) == (
        "open",
        50,
        3,
    )
    assert program.tranche_needs_report
    quotas = {q.regency_id: q for q in program.quotas.all()}
    assert sum(q.group_count for q in quotas.values()) == 175
    assert quotas["64.01"].group_count == 35
    assert len(quotas) == 10

    # Every eligible demo group has its grant, within the budget and the quotas.
    grants = list(program.grants.select_related("group"))
    eligible = BusinessGroup.objects.filter(status=GroupStatus.ELIGIBLE)
    assert {g.group_id for g in grants} == set(eligible.values_list("pk", flat=True))
    assert program.awarded_amount == sum(g.amount for g in grants) == 20_000_000 * len(grants)
    per_regency = Counter(g.group.regency_id for g in grants)
    for code, quota in quotas.items():
        assert quota.awarded_count == per_regency[code] <= quota.group_count
    # One signed decree names them all; each has its NPHD numbered from the register, and
    # the aid went out only after the NPHD was signed and its scan uploaded.
    (decree,) = program.decrees.all()
    assert decree.status == "signed" and decree.grants.count() == len(grants)
    assert decree.number == "400.9.5/0001/SK-PENERIMA/DINSOS/2026"
    assert decree.signatory.username == "kepala.dinas"
    agreements = {
        a.grant_id: a
        for a in Agreement.objects.filter(grant__program=program).select_related("letter", "scan")
    }
    assert len(agreements) == len(grants) - 1  # one grant still waits for its NPHD
    numbers = sorted(a.letter.sequence for a in agreements.values())
    assert numbers == list(range(1, len(agreements) + 1))
    transferred = [g for g in grants if g.transferred_on]
    for grant in transferred:
        agreement = agreements[grant.pk]
        assert agreement.status == "signed" and agreement.scan.content_type == "image/png"
        assert agreement.signed_on <= grant.transferred_on
    waiting_for_scan = [a for a in agreements.values() if a.status == "issued"]
    assert waiting_for_scan
    assert all(a.grant.status == GrantStatus.AWARDED for a in waiting_for_scan)
    assert len(grants) - len(transferred) >= 3  # a few transfers still to record
    assert len(transferred) > 0.9 * len(grants)
    assert all(datetime.date(2026, 2, 1) <= g.transferred_on <= datetime.date(2026, 7, 31)
               for g in transferred)  # fmt: skip
    assert {g.status for g in grants} == {
        GrantStatus.AWARDED, GrantStatus.TRANSFERRED, GrantStatus.ACTIVE, GrantStatus.COMPLETED
    }  # fmt: skip

    # The running totals agree with the tranche rows.
    tranches = list(
        Tranche.objects.filter(grant__program=program).select_related(
            "requested_by", "decided_by", "grant__group"
        )
    )
    for grant in grants:
        mine = [t for t in tranches if t.grant_id == grant.pk]
        assert grant.committed_amount == sum(
            t.amount for t in mine if t.status in COMMITTED_STATUSES
        )
        assert grant.withdrawn_amount == sum(
            t.amount for t in mine if t.status == TrancheStatus.WITHDRAWN
        )
        if grant.status == GrantStatus.COMPLETED:
            assert grant.withdrawn_amount == grant.amount

    # Tranches in every state, requested by the regency's officer, decided by the approver.
    statuses = Counter(t.status for t in tranches)
    assert set(statuses) == set(TrancheStatus.values)
    assert Tranche.objects.filter(decided_by=F("requested_by")).count() == 0
    for tranche in tranches:
        assert tranche.requested_by.role == Role.REGENCY_OFFICER
        assert tranche.requested_by.regency_id == tranche.grant.group.regency_id
        if tranche.status in (TrancheStatus.APPROVED, TrancheStatus.REJECTED):
            assert tranche.decided_by.username == "penyetuju"
        if tranche.status == TrancheStatus.REJECTED:
            assert tranche.decision_note
        if tranche.sequence == 1 and tranche.status == TrancheStatus.WITHDRAWN:
            assert tranche.amount <= tranche.grant.amount // 2
        # The story's dates hang together, and the history was written at those dates.
        assert timezone.localdate(tranche.requested_at) >= tranche.grant.transferred_on
        if tranche.decided_at:
            assert tranche.decided_at > tranche.requested_at
        if tranche.withdrawn_on:
            assert tranche.withdrawn_on >= timezone.localdate(tranche.decided_at)
    first_records = {
        r.id: r.history_date
        for r in Tranche.history.filter(history_type="+").only("id", "history_date")
    }
    assert all(first_records[t.pk] == t.requested_at for t in tranches)
    assert sum(t.sequence >= 2 and t.status == TrancheStatus.WITHDRAWN for t in tranches) >= 10

    # The approver's queue: first tranches, several from Paser and Berau, some weeks old.
    waiting = [t for t in tranches if t.status == TrancheStatus.REQUESTED]
    waiting_in = Counter(t.grant.group.regency_id for t in waiting)
    assert waiting_in["64.01"] >= 3 and waiting_in["64.03"] >= 2
    assert min(t.requested_at for t in waiting) < timezone.now() - datetime.timedelta(days=30)
    assert {t.requested_by.username for t in waiting if t.grant.group.regency_id == "64.01"} == {
        "petugas.paser"
    }

    # Every withdrawn tranche is accounted for, or being accounted for, with receipts; a
    # second tranche came only after the first's spending was accepted in full.
    spending = {
        r.tranche_id: r
        for r in SpendingReport.objects.filter(tranche__grant__program=program).prefetch_related(
            "lines__receipt"
        )
    }
    withdrawn_tranches = [t for t in tranches if t.status == TrancheStatus.WITHDRAWN]
    assert set(spending) == {t.pk for t in withdrawn_tranches}
    assert {r.status for r in spending.values()} == set(SpendingStatus.values)
    for report in spending.values():
        assert report.total == sum(line.amount for line in report.lines.all())
        assert all(line.receipt.content_type == "image/png" for line in report.lines.all())
    for grant in grants:
        drawn = sorted(
            (t for t in withdrawn_tranches if t.grant_id == grant.pk), key=lambda t: t.sequence
        )
        for earlier in drawn[:-1]:  # a later one was asked for after it
            assert spending[earlier.pk].status == SpendingStatus.ACCEPTED
            assert spending[earlier.pk].total == earlier.amount
    paser = Counter(
        r.status for r in spending.values() if r.tranche.grant.group.regency_id == "64.01"
    )
    assert paser[SpendingStatus.SUBMITTED] and paser[SpendingStatus.DRAFT]
    for grant in Grant.objects.filter(program=program):
        accepted = sum(
            r.total
            for r in spending.values()
            if r.tranche.grant_id == grant.pk and r.status == SpendingStatus.ACCEPTED
        )
        assert grant.accounted_amount == accepted

    # In-kind aid: three Paser groups, one handed over with a signed BAST.
    in_kind = Program.objects.get(name=IN_KIND_PROGRAM)
    handovers = list(Handover.objects.filter(grant__program=in_kind))
    assert in_kind.grants.count() == 3 and len(handovers) == 2
    (handed_over,) = [h for h in handovers if h.status == "signed"]
    assert handed_over.grant.status == GrantStatus.ACTIVE
    assert handed_over.total == handed_over.grant.amount == handed_over.grant.accounted_amount

    # The LPJs of the groups whose grant was completed: Paser's received with its receipt.
    lpjs = list(AccountabilityReport.objects.select_related("group", "receipt"))
    assert lpjs and all(lpj.year == 2026 for lpj in lpjs)
    (paser_lpj,) = [lpj for lpj in lpjs if lpj.group.regency_id == "64.01"]
    assert paser_lpj.status == "received"
    assert paser_lpj.receipt.number == "400.9.5/0001/TT-LPJ/DINSOS/2026"

    # Every kind of document is in the register, numbered without gaps per kind and year.
    for kind in DocumentKind.values:
        sequences = sorted(Letter.objects.filter(kind=kind).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), kind
        assert sequences, kind

    # The summary comes after the groups' and before the logins.
    assert f"Demo grants: {len(grants)} in {PROGRAM_NAME} ({len(grants)} awarded now" in output
    assert "not done" not in output
    assert output.index("Demo business groups") < output.index("Demo grants")
    assert output.index("Demo grants") < output.index("Demo users")
    assert output.rstrip().splitlines()[-1].split()[0] == "petugas.berau"

    # A second run finds the programme with its grants and changes nothing.
    before = snapshot()

    output = seed_demo()

    assert snapshot() == before
    assert f"(0 awarded now, {len(grants)} already present)" in output
    assert "regency officers added" not in output
