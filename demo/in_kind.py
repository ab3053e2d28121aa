"""The Kaltim demo story for in-kind aid: "Bantuan Sarana Usaha KUBE 2026", equipment worth
Rp15.000.000 for three Paser groups, handed over with a record of handover (BAST) instead
of a bank transfer.

The three groups are named in a decree signed on 4 February 2026 and sign their NPHD on 10
February. KUBE one receives its goods on 3 March (the signed BAST is uploaded); the second's
BAST is printed for a handover on 20 November and waits for its signed scan; the third waits
for its BAST to be prepared. Everything goes through the services at the story's moments.

Rerunnable: nothing is done when the programme has grants already. Told after the progress
reports, which are one per group and period whatever the programme (the groups also hold a
cash grant, whose reports cover them).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from core.errors import DomainError
from demo.grants import WITA, clock
from demo.scans import scan
from grants import services
from grants.models import AidForm, Program, ProgramQuota, ProgramStatus
from groups.models import BusinessGroup, GroupStatus, Sector

PROGRAM_NAME = "Bantuan Sarana Usaha KUBE 2026 (Barang)"
AMOUNT = 15_000_000
AWARDED_ON = datetime.date(2026, 2, 2)
DECREE_SIGNED_ON = datetime.date(2026, 2, 4)
AGREEMENTS_ON, SIGNED_ON = datetime.date(2026, 2, 6), datetime.date(2026, 2, 10)
HANDED_OVER_ON = datetime.date(2026, 3, 3)
NEXT_HANDOVER_ON = datetime.date(2026, 11, 20)

# The goods per sector: (name, quantity, unit, unit value), adding up to AMOUNT.
GOODS = {
    Sector.SERVICES: [
        ("Mesin jahit portable Janome", 2, "unit", 4_250_000),
        ("Mesin obras 4 benang", 1, "unit", 3_900_000),
        ("Kain katun (gulungan 50 m)", 4, "gulung", 650_000),
    ],
    Sector.FOOD: [
        ("Kompor gas dua tungku", 2, "unit", 1_350_000),
        ("Mesin sealer continuous band", 1, "unit", 4_800_000),
        ("Wajan besar dan spatula stainless", 4, "set", 675_000),
        ("Freezer box 200 liter", 1, "unit", 4_800_000),
    ],
}
DEFAULT_GOODS = GOODS[Sector.FOOD]


@dataclass
class InKindSeedSummary:
    program: str = PROGRAM_NAME
    grants: int = 0
    handed_over: int = 0
    already_present: int = 0


def _at(day, hour):
    return clock(datetime.datetime.combine(day, datetime.time(hour), tzinfo=WITA))


def seed_in_kind(*, province_staff, officer, head) -> InKindSeedSummary:
    summary = InKindSeedSummary()
    with transaction.atomic():
        program = Program.objects.filter(name=PROGRAM_NAME, fiscal_year=2026).first()
        if program is not None and program.grants.exists():
            summary.already_present = program.grants.count()
            return summary
        groups = list(
            BusinessGroup.objects.filter(regency_id="64.01", status=GroupStatus.ELIGIBLE).order_by(
                "registration_number"
            )[:3]
        )
        if len(groups) < 3:
            return summary
        with _at(datetime.date(2026, 1, 26), 9):
            program = program or Program.objects.create(
                name=PROGRAM_NAME,
                fiscal_year=2026,
                total_budget=3 * AMOUNT,
                default_amount=AMOUNT,
                aid_form=AidForm.IN_KIND,
                max_tranches=1,
                first_tranche_max_percent=100,
                tranche_needs_report=False,
                status=ProgramStatus.OPEN,
            )
            ProgramQuota.objects.get_or_create(
                program=program, regency_id="64.01", defaults={"group_count": 3}
            )
        with _at(AWARDED_ON, 10):
            grants = [
                services.grant_award(program=program, group=group, by=province_staff)
                for group in groups
            ]
        with _at(AWARDED_ON, 14):
            decree = services.decree_prepare(program=program, signatory=head, by=province_staff)
        with _at(DECREE_SIGNED_ON, 10):
            services.decree_sign(decree=decree, by=province_staff, signed_on=DECREE_SIGNED_ON)
        for grant in grants:
            with _at(AGREEMENTS_ON, 9):
                agreement = services.agreement_issue(
                    grant=grant, signatory=head, by=province_staff, issued_on=AGREEMENTS_ON
                )
            with _at(SIGNED_ON, 11):
                services.agreement_sign(
                    agreement=agreement,
                    by=officer,
                    signed_on=SIGNED_ON,
                    scan=scan(
                        f"nphd-{grant.group.registration_number}.png",
                        "NASKAH PERJANJIAN HIBAH DAERAH",
                        f"Nomor: {agreement.number}",
                        grant.group.name,
                    ),
                )
        summary.grants = len(grants)
        for grant, day in zip(grants[:2], (HANDED_OVER_ON, NEXT_HANDOVER_ON), strict=True):
            goods = GOODS.get(grant.group.sector, DEFAULT_GOODS)
            items = [
                {"name": name, "quantity": quantity, "unit": unit, "unit_value": value}
                for name, quantity, unit, value in goods
            ]
            with _at(min(day, HANDED_OVER_ON), 9):
                handover = services.handover_issue(
                    grant=grant,
                    items=items,
                    official=head,
                    by=province_staff,
                    handed_over_on=day,
                    place=f"{grant.group.village.name}, Kabupaten Paser",
                )
            if day == HANDED_OVER_ON:
                with _at(day, 15):
                    try:
                        services.handover_sign(
                            handover=handover,
                            by=officer,
                            scan=scan(
                                f"bast-{grant.group.registration_number}.png",
                                "BERITA ACARA SERAH TERIMA BARANG",
                                f"Nomor: {handover.number}",
                                grant.group.name,
                            ),
                        )
                    except DomainError:
                        continue
                summary.handed_over += 1
    return summary
