"""Demo progress reports: for every demo grant, the catur wulan reports it owes by today,
written, submitted and reviewed through the services at back-dated moments, with every
status and some reports late or missing. Seeded random, so reruns plan the same story;
nothing is written when reports already exist."""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from demo.grants import WITA, clock
from grants.models import TRANSFERRED_STATUSES, Grant
from reports import services
from reports.models import BusinessCondition, ProgressReport
from reports.periods import periods_owed

RETURN_REASONS = [
    "Omzet dan biaya tidak sesuai dengan buku kas kelompok; mohon dicek ulang.",
    "Foto kegiatan usaha belum dilampirkan dan uraian terlalu singkat.",
    "Jumlah anggota aktif berbeda dengan daftar hadir pertemuan terakhir.",
]
PROBLEMS = [
    "Harga bahan baku naik menjelang hari raya.",
    "Pemasaran masih terbatas di desa sendiri.",
    "Dua anggota pindah kerja ke perusahaan sawit.",
    "",
]


@dataclass
class ReportSeedSummary:
    by_status: Counter = field(default_factory=Counter)
    missing: int = 0
    late: int = 0
    already_present: int = 0


def seed_reports(*, province_staff, reviewers: dict, today=None, rng_seed=2026):
    """Write the reports of the demo grants; `reviewers` maps regency codes to the head of
    that regency office (province staff review the other regencies)."""
    summary = ReportSeedSummary()
    summary.already_present = ProgressReport.objects.count()
    if summary.already_present:
        return summary
    today = today or timezone.localdate()
    rng = random.Random(rng_seed)
    officers = _officers()
    grants = (
        Grant.objects.filter(status__in=TRANSFERRED_STATUSES).select_related("group").order_by("pk")
    )
    for grant in grants:
        officer = officers.get(grant.group.regency_id)
        if officer is None:
            continue
        reviewer = reviewers.get(grant.group.regency_id, province_staff)
        owed = periods_owed(
            transferred_on=grant.transferred_on, completed_on=grant.completed_on, today=today
        )
        for period in owed:
            _tell(grant, period, officer, reviewer, rng, today, summary)
    return summary


def _officers() -> dict:
    officers = {}
    for user in User.objects.filter(role=Role.REGENCY_OFFICER, is_active=True).order_by("pk"):
        officers.setdefault(user.regency_id, user)
    return officers


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=WITA)


def _tell(grant, period, officer, reviewer, rng, today, summary):
    roll = rng.random()
    if roll < 0.10:
        summary.missing += 1
        return
    written = min(period.end + datetime.timedelta(days=rng.randint(2, 24)), today)
    summary.late += written > period.due
    with clock(_at(written, 9)):
        report = services.report_create(
            grant=grant, period=period, data=_figures(grant, rng), by=officer
        )
    if roll < 0.15:
        summary.by_status["draft"] += 1
        return
    with clock(_at(written, 11)):
        report = services.report_submit(report=report, by=officer)
    if roll < 0.25:
        summary.by_status["submitted"] += 1
        return
    reviewed = min(written + datetime.timedelta(days=rng.randint(1, 12)), today)
    with clock(_at(reviewed, 14)):
        if roll < 0.32:
            services.report_return(report=report, by=reviewer, reason=rng.choice(RETURN_REASONS))
            summary.by_status["returned"] += 1
        else:
            services.report_accept(report=report, by=reviewer)
            summary.by_status["accepted"] += 1


def _figures(grant, rng) -> dict:
    members = grant.group.members.filter(active=True).count()
    revenue = rng.randrange(6_000_000, 30_000_000, 250_000)
    costs = int(revenue * rng.uniform(0.55, 0.95)) // 1000 * 1000
    condition = rng.choices(BusinessCondition.values, weights=[45, 35, 15, 5], k=1)[0]
    return {
        "revenue": revenue,
        "costs": costs,
        "profit": revenue - costs,
        "capital_used": min(grant.withdrawn_amount, grant.amount),
        "asset_value": rng.randrange(5_000_000, 25_000_000, 500_000),
        "cash_balance": rng.randrange(500_000, 6_000_000, 100_000),
        "active_members": max(1, members - rng.choice([0, 0, 0, 1, 2])),
        "jobs_created": rng.choice([0, 0, 1, 2]),
        "condition": condition,
        "problems": rng.choice(PROBLEMS),
        "narrative": "Usaha berjalan; kelompok rutin bertemu setiap bulan dan mencatat kas.",
    }
