"""The demo's accountability reports (LPJ) for 2026: the groups whose grant was completed
during the year account for it in November, without waiting for December; the Paser group's
LPJ is received by the province with a numbered receipt, the others wait to be received.
Told after the progress reports (the LPJ shows the year's accepted ones).

Rerunnable: nothing is done when LPJs already exist."""

import datetime
from dataclasses import dataclass

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from demo.grants import WITA, clock
from grants.models import Grant, GrantStatus
from reports import services
from reports.models import AccountabilityReport

SUBMITTED_ON = datetime.date(2026, 11, 18)
RECEIVED_ON = datetime.date(2026, 11, 23)
STATEMENT = (
    "Dana hibah tahap 1 dan 2 seluruhnya digunakan untuk modal usaha kelompok sesuai "
    "proposal: bahan baku, peralatan produksi dan kemasan. Nota dan kuitansi disimpan oleh "
    "bendahara. Omzet kelompok naik dan usaha berjalan setiap hari."
)


@dataclass
class LpjSeedSummary:
    submitted: int = 0
    received: int = 0
    already_present: int = 0


def _at(day, hour):
    return clock(datetime.datetime.combine(day, datetime.time(hour), tzinfo=WITA))


def seed_lpjs(*, province_staff) -> LpjSeedSummary:
    summary = LpjSeedSummary()
    summary.already_present = AccountabilityReport.objects.count()
    if summary.already_present:
        return summary
    officers = {}
    for user in User.objects.filter(role=Role.REGENCY_OFFICER, is_active=True).order_by("pk"):
        officers.setdefault(user.regency_id, user)
    completed = Grant.objects.filter(
        status=GrantStatus.COMPLETED, completed_on__year=2026
    ).select_related("group")
    for grant in completed.order_by("group__regency_id", "pk"):
        officer = officers.get(grant.group.regency_id)
        if officer is None:
            continue
        try:
            with _at(SUBMITTED_ON, 10):
                lpj = services.lpj_submit(
                    group=grant.group, year=2026, statement=STATEMENT, by=officer
                )
            summary.submitted += 1
            if grant.group.regency_id == "64.01":
                with _at(RECEIVED_ON, 11):
                    services.lpj_receive(lpj=lpj, by=province_staff)
                summary.received += 1
        except DomainError:
            continue
    return summary
