#!/usr/bin/env python3
"""The Django side of ops/faults.py: prepares the data and checks the invariants, printing
JSON. Runs with the local settings against DATABASE_URL (the faults' private cluster).

    fault_checks.py prepare   # extra tranches waiting for approval; the Paser groups
    fault_checks.py check     # tranches, their history and the dashboard's summaries
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db.models import Q, Sum  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from core.errors import DomainError  # noqa: E402
from grants import services  # noqa: E402
from grants.models import (  # noqa: E402
    Grant,
    GrantStatus,
    Program,
    ProgramQuota,
    ProgramStatus,
    Tranche,
    TrancheStatus,
)
from groups.models import BusinessGroup, GroupStatus  # noqa: E402
from reports.models import (  # noqa: E402
    OwingSpan,
    ProgressReport,
    RegencySummary,
    ReportSummary,
    RevenueChange,
)
from reports.summaries import (  # noqa: E402
    grant_figures_from_rows,
    owing_spans_from_rows,
    report_figures_from_rows,
    revenue_changes_from_rows,
)

DECIDED = (TrancheStatus.APPROVED, TrancheStatus.REJECTED)
COMMITTED = (TrancheStatus.REQUESTED, TrancheStatus.APPROVED, TrancheStatus.WITHDRAWN)


PROGRAMMES = 2  # extra programmes, each with a grant for every eligible group


def prepare() -> dict:
    """Work for the approvers: two more programmes whose grants go to every eligible group
    and are transferred at once, then a first tranche of Rp1.000.000 requested, by the
    regency's officer, for every transferred grant without one; the ids of every waiting
    tranche. Run again, it adds nothing new but the missing first tranches."""
    import datetime

    officers = {user.regency_id: user for user in User.objects.filter(role=Role.REGENCY_OFFICER)}
    staff = User.objects.get(username="staf.provinsi")
    today = datetime.date.today()
    eligible = list(BusinessGroup.objects.filter(status=GroupStatus.ELIGIBLE))
    for number in range(1, PROGRAMMES + 1):
        program, created = Program.objects.get_or_create(
            name=f"Uji gangguan {number}",
            defaults={
                "fiscal_year": today.year,
                "total_budget": 100_000_000_000,
                "default_amount": 20_000_000,
                "status": ProgramStatus.OPEN,
                "transfer_needs_training": False,
                "tranche_needs_report": False,
            },
        )
        if not created:
            continue
        for regency_id in {group.regency_id for group in eligible}:
            ProgramQuota.objects.create(program=program, regency_id=regency_id, group_count=500)
        for group in eligible:
            grant = services.grant_award(program=program, group=group, by=staff)
            services.grant_record_transfer(
                grant=grant, by=staff, transferred_on=today, reference=f"UJI-{grant.pk}"
            )
    made = 0
    grants = Grant.objects.filter(
        status__in=[GrantStatus.TRANSFERRED, GrantStatus.ACTIVE]
    ).select_related("group")
    for grant in grants:
        officer = officers.get(grant.group.regency_id)
        if officer is None or grant.tranches.exists():
            continue
        try:
            services.tranche_request(
                grant=grant, amount=1_000_000, purpose="Uji gangguan", by=officer
            )
        except DomainError:
            continue
        made += 1
    waiting = list(
        Tranche.objects.filter(status=TrancheStatus.REQUESTED).values_list("pk", flat=True)
    )
    paser = list(BusinessGroup.objects.filter(regency_id="64.01").values_list("pk", flat=True)[:20])
    return {"tranches_made": made, "waiting": waiting, "paser_groups": paser}


def stored_summaries() -> dict:
    return {
        "grants": {
            f"{s.program_id}/{s.regency_id}": [getattr(s, n) for n in RegencySummary.FIGURES]
            for s in RegencySummary.objects.all()
            if s.grants_awarded or s.tranches_waiting
        },
        "reports": {
            f"{s.program_id}/{s.regency_id}/{s.year}/{s.term}": {
                n: getattr(s, n) for n in ReportSummary.FIGURES
            }
            for s in ReportSummary.objects.all()
        },
        "spans": {
            f"{s.program_id}/{s.program_year}/{s.regency_id}/{s.first_period}/{s.last_period}": (
                s.groups
            )
            for s in OwingSpan.objects.all()
        },
        "changes": {
            str(c.report_id): [c.program_id, c.program_year, c.regency_id, c.year, c.term, c.change]
            for c in RevenueChange.objects.all()
        },
    }


def recomputed_summaries() -> dict:
    figures = grant_figures_from_rows(grants=Grant.objects.all(), tranches=Tranche.objects.all())
    return {
        "grants": {
            "/".join(map(str, key)): [getattr(item, n) for n in RegencySummary.FIGURES]
            for key, item in figures.items()
        },
        "reports": {
            "/".join(map(str, key)): value
            for key, value in report_figures_from_rows(ProgressReport.objects.all()).items()
        },
        "spans": {
            "/".join(map(str, key)): value
            for key, value in owing_spans_from_rows(Grant.objects.all()).items()
        },
        "changes": {
            str(key): list(value)
            for key, value in revenue_changes_from_rows(ProgressReport.objects.all()).items()
        },
    }


def check() -> dict:
    problems = []
    history = Tranche.history.model.objects
    decided = Tranche.objects.filter(status__in=DECIDED)
    for tranche in decided:
        if not history.filter(id=tranche.pk, status=tranche.status).exists():
            problems.append(f"tranche {tranche.pk} is {tranche.status} without its history row")
        if tranche.decided_by_id is None or tranche.decided_at is None:
            problems.append(f"tranche {tranche.pk} is {tranche.status} without decider/time")
    undecided_but_logged = (
        history.filter(status__in=DECIDED)
        .exclude(id__in=Tranche.objects.filter(~Q(status=TrancheStatus.REQUESTED)).values("pk"))
        .values_list("id", flat=True)
    )
    for pk in set(undecided_but_logged):
        problems.append(f"tranche {pk} has a decision in its history but is still requested")
    for grant in Grant.objects.all():
        committed = grant.tranches.filter(status__in=COMMITTED).aggregate(s=Sum("amount"))["s"]
        if (committed or 0) > grant.amount:
            problems.append(f"grant {grant.pk}: tranches {committed} exceed {grant.amount}")
    stored, recomputed = stored_summaries(), recomputed_summaries()
    for part in stored:
        if json.dumps(stored[part], sort_keys=True, default=str) != json.dumps(
            recomputed[part], sort_keys=True, default=str
        ):
            problems.append(f"summaries ({part}) differ from a recomputation from the rows")
    return {
        "tranches": {
            status: Tranche.objects.filter(status=status).count() for status in TrancheStatus
        },
        "approved_with_history": sum(
            history.filter(id=t.pk, status=TrancheStatus.APPROVED).exists()
            for t in Tranche.objects.filter(status=TrancheStatus.APPROVED)
        ),
        "summaries_checked": {part: len(value) for part, value in stored.items()},
        "problems": problems,
    }


def visits(prefix: str) -> dict:
    from training.models import MentoringVisit

    return {
        "markers": list(
            MentoringVisit.objects.filter(findings__startswith=prefix).values_list(
                "findings", flat=True
            )
        )
    }


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "prepare":
        result = prepare()
    elif command == "check":
        result = check()
    elif command == "visits":
        result = visits(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, default=str))
