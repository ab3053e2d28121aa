"""The Kaltim demo story for grants: programme "Bantuan Modal Usaha KUBE 2026", Rp20.000.000
for each of 175 groups (35 in Paser), and what happened to the money during 2026.

Every eligible demo group is awarded a grant; most grants are transferred between February
and July, and their tranches go through every state. Everything is done by the real services
(award, transfer, request, approve, reject, cancel, withdraw, complete), each run at the story's
moment: the services stamp "now" (requested_at, decided_at, award date, history), so the
demo sets the services' clock to each event's date and time, and the history reads like the
year it tells. The story ends on STORY_END (24 November 2026).

Requests are made by the officer of the group's regency, decisions by the approver (never
the requester), transfers by the province staff.

Progress reports: the programme holds back a tranche after the first until the group's latest
due catur-wulan report is accepted (tranche_needs_report), and this demo writes no reports.
So second tranches are requested in April 2026, within catur wulan I, before any report falls
due (every grant with a second tranche was transferred in February or March), and none is
waiting in November; a step the report gate (or any rule) refuses anyway is left out and
reported in the summary's problems.

Rerunnable: the programme is found by name and fiscal year, and if it already has grants
nothing is done.
"""

import datetime
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from demo.groups import GROUPS_PER_REGENCY
from demo.safety import demo_email
from demo.scans import receipt, scan
from grants import services
from grants.models import (
    Grant,
    GrantStatus,
    Program,
    ProgramQuota,
    ProgramStatus,
    Tranche,
    TrancheStatus,
)
from groups.models import BusinessGroup, GroupStatus, Sector
from regions.models import Regency

PROGRAM_NAME = "Bantuan Modal Usaha KUBE 2026"
FISCAL_YEAR = 2026
GRANT_AMOUNT = 20_000_000
# One place for each demo group: 35 in Paser, 175 in all (the same spread as the groups).
QUOTAS = dict(GROUPS_PER_REGENCY)

WITA = ZoneInfo("Asia/Makassar")
AWARDED_ON = datetime.date(2026, 1, 12)  # the grants are awarded and the decree prepared
DECREE_SIGNED_ON = datetime.date(2026, 1, 14)  # the head of the office signs the decree
AGREEMENTS_ISSUED_ON = datetime.date(2026, 1, 16)  # each group's NPHD, signed in its regency
STORY_END = datetime.date(2026, 11, 24)
# Second tranches are requested before the first progress report falls due (see above).
SECOND_TRANCHES_FROM, SECOND_TRANCHES_UNTIL = datetime.date(2026, 4, 1), datetime.date(2026, 4, 29)

# Per regency: the day its NPHDs were signed and the day the province transferred the money.
SIGNED_AND_TRANSFERRED = {
    "64.01": (datetime.date(2026, 1, 19), datetime.date(2026, 2, 10)),
    "64.02": (datetime.date(2026, 1, 20), datetime.date(2026, 2, 17)),
    "64.03": (datetime.date(2026, 1, 21), datetime.date(2026, 2, 12)),
    "64.07": (datetime.date(2026, 1, 26), datetime.date(2026, 3, 3)),
    "64.08": (datetime.date(2026, 1, 27), datetime.date(2026, 2, 24)),
    "64.09": (datetime.date(2026, 1, 22), datetime.date(2026, 2, 19)),
    "64.11": (datetime.date(2026, 2, 3), datetime.date(2026, 3, 16)),
    "64.71": (datetime.date(2026, 1, 28), datetime.date(2026, 2, 26)),
    "64.72": (datetime.date(2026, 1, 29), datetime.date(2026, 2, 16)),
    "64.74": (datetime.date(2026, 1, 30), datetime.date(2026, 2, 25)),
}

# Officers for the regencies the caller gives none for: username petugas.<regency slug>.
OFFICER_NAMES = {
    "64.01": ("Siti", "Rahmawati"),
    "64.02": ("Rahmat", "Hidayat"),
    "64.03": ("Agus", "Pratama"),
    "64.07": ("Yuliana", "Lestari"),
    "64.08": ("Andi", "Firmansyah"),
    "64.09": ("Nurhayati", "Sari"),
    "64.11": ("Yohanes", "Lawing"),
    "64.71": ("Dewi", "Anggraini"),
    "64.72": ("Syamsul", "Bahri"),
    "64.74": ("Ratna", "Wulandari"),
}


class Story(StrEnum):
    """What happens to one grant."""

    NOT_TRANSFERRED = "not_transferred"  # awarded; the transfer is still to be recorded
    TRANSFERRED = "transferred"  # transferred in June/July, no tranche yet
    FIRST_REQUESTED = "first_requested"  # first tranche waiting for the approver
    FIRST_APPROVED = "first_approved"  # approved in November, not withdrawn yet
    FIRST_REJECTED = "first_rejected"  # rejected in October/November, not asked again yet
    FIRST_WITHDRAWN = "first_withdrawn"  # the usual: 50 % withdrawn
    REJECTED_THEN_WITHDRAWN = "rejected_then_withdrawn"
    CANCELLED_THEN_WITHDRAWN = "cancelled_then_withdrawn"
    SECOND_WITHDRAWN = "second_withdrawn"
    SECOND_REJECTED = "second_rejected"
    SECOND_CANCELLED = "second_cancelled"
    COMPLETED = "completed"  # both halves withdrawn, grant completed


# Per regency, the stories other than FIRST_WITHDRAWN (which every other grant gets).
# The approver's queue holds first tranches from Paser and Berau above all, some weeks old.
S = Story
STORIES = {
    "64.01": {
        S.NOT_TRANSFERRED: 1, S.TRANSFERRED: 2, S.FIRST_REQUESTED: 4, S.FIRST_APPROVED: 2,
        S.FIRST_REJECTED: 1, S.REJECTED_THEN_WITHDRAWN: 1, S.CANCELLED_THEN_WITHDRAWN: 1,
        S.SECOND_WITHDRAWN: 3, S.SECOND_REJECTED: 1, S.SECOND_CANCELLED: 1, S.COMPLETED: 1,
    },
    "64.02": {
        S.TRANSFERRED: 2, S.FIRST_REQUESTED: 1, S.FIRST_APPROVED: 1,
        S.CANCELLED_THEN_WITHDRAWN: 1, S.SECOND_WITHDRAWN: 2, S.COMPLETED: 1,
    },
    "64.03": {
        S.NOT_TRANSFERRED: 1, S.TRANSFERRED: 1, S.FIRST_REQUESTED: 3, S.FIRST_APPROVED: 1,
        S.REJECTED_THEN_WITHDRAWN: 1, S.SECOND_WITHDRAWN: 2, S.SECOND_REJECTED: 1,
        S.COMPLETED: 1,
    },
    "64.07": {S.NOT_TRANSFERRED: 1, S.TRANSFERRED: 1, S.SECOND_WITHDRAWN: 1},
    "64.08": {
        S.TRANSFERRED: 2, S.FIRST_REQUESTED: 1, S.REJECTED_THEN_WITHDRAWN: 1,
        S.SECOND_WITHDRAWN: 2,
    },
    "64.09": {S.NOT_TRANSFERRED: 1, S.TRANSFERRED: 1, S.FIRST_APPROVED: 1, S.SECOND_WITHDRAWN: 1},
    "64.11": {S.NOT_TRANSFERRED: 1, S.TRANSFERRED: 2},
    "64.71": {
        S.TRANSFERRED: 1, S.FIRST_REQUESTED: 1, S.SECOND_WITHDRAWN: 2, S.SECOND_CANCELLED: 1,
    },
    "64.72": {
        S.NOT_TRANSFERRED: 1, S.TRANSFERRED: 2, S.FIRST_APPROVED: 1, S.FIRST_REJECTED: 1,
        S.SECOND_WITHDRAWN: 2, S.SECOND_REJECTED: 1,
    },
    "64.74": {S.TRANSFERRED: 1, S.CANCELLED_THEN_WITHDRAWN: 1, S.SECOND_WITHDRAWN: 1},
}  # fmt: skip

# When the first tranches still waiting were requested, oldest first (the rest: late Oct-Nov).
WAITING_SINCE = {
    "64.01": [(10, 6), (10, 28), (11, 17), (11, 23)],
    "64.03": [(10, 14), (11, 9), (11, 20)],
}

PURPOSES = {
    Sector.TRADE: [
        "Pembelian stok awal sembako (beras, minyak goreng, gula) dan etalase kaca",
        "Penambahan stok barang dagangan, timbangan digital dan rak warung",
    ],
    Sector.FOOD: [
        "Pembelian bahan baku (ikan pipih, tepung tapioka) dan kemasan amplang",
        "Pembelian kompor dua tungku, wajan besar dan bahan baku kue",
        "Pembelian mesin sealer, kemasan berlabel dan bahan baku keripik pisang",
    ],
    Sector.LIVESTOCK: [
        "Pembelian 150 ekor bibit ayam kampung, pakan dan vitamin",
        "Pembelian 4 ekor kambing bibit dan bahan kandang panggung",
    ],
    Sector.FARMING: [
        "Pembelian bibit lada, pupuk NPK dan alat semprot",
        "Pembelian benih sayur, pupuk organik, mulsa dan pompa air",
    ],
    Sector.FISHERY: [
        "Pembelian jaring insang dan perbaikan mesin perahu",
        "Pembelian benih ikan nila, pakan dan terpal kolam",
    ],
    Sector.SERVICES: [
        "Pembelian tiga mesin jahit, obras dan kain",
        "Pembelian kompresor, kunci set dan suku cadang bengkel",
    ],
    Sector.CRAFT: [
        "Pembelian rotan, pewarna alami dan peralatan anyam",
        "Pembelian manik-manik, benang dan bahan tas kerajinan",
    ],
    Sector.OTHER: ["Pembelian peralatan usaha sesuai proposal"],
}
LATER_PURPOSES = [
    "Penambahan modal kerja: bahan baku untuk tiga bulan berikutnya",
    "Perluasan tempat usaha dan penambahan peralatan produksi",
    "Pemasaran: kemasan berlabel, izin PIRT dan ikut pameran UMKM",
]
REJECTIONS = [
    "Rincian belanja tidak sesuai dengan rencana anggaran biaya dalam proposal; mohon diajukan "
    "ulang dengan daftar belanja yang sesuai.",
    "Nota dan bukti belanja tahap sebelumnya belum dilampirkan lengkap; mohon dilengkapi lalu "
    "diajukan ulang.",
    "Jumlah yang diajukan melebihi kebutuhan belanja yang dilampirkan; mohon disesuaikan.",
    "Spesimen tanda tangan rekening kelompok sedang diperbarui di bank; ajukan ulang setelah "
    "rekening aktif kembali.",
]
APPROVAL_NOTES = [
    "",
    "",
    "",
    "Sesuai proposal dan hasil kunjungan pendampingan.",
    "Nota belanja dilampirkan pada laporan catur wulan berikutnya.",
]


@dataclass
class GrantSeedSummary:
    program: str = PROGRAM_NAME
    created: int = 0  # grants awarded by this run
    already_present: int = 0  # grants found (the story was told before: nothing done)
    by_grant_status: dict[str, int] = field(default_factory=dict)
    by_tranche_status: dict[str, int] = field(default_factory=dict)
    officers_created: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # steps the services refused, with why

    @property
    def grants(self) -> int:
        return sum(self.by_grant_status.values())


def seed_grants(
    *, province_staff, approver, officers: dict, head=None, reviewers=None
) -> GrantSeedSummary:
    """Create the programme and tell the grants' story, unless it has grants already.

    `officers` maps a regency code to its regency officer; the regencies without one get a
    demo officer `petugas.<regency>` (no usable password). `head` signs the recipients'
    decree (the approver when not given); `reviewers` maps a regency code to who reviews
    its tranches' spending (province staff for the others).
    """
    summary = GrantSeedSummary()
    with transaction.atomic():
        program = _program()
        if not program.grants.exists():
            officers = {**officers, **_missing_officers(officers, summary)}
            _tell(
                program,
                province_staff,
                approver,
                officers,
                summary,
                head or approver,
                reviewers or {},
            )
        else:
            summary.already_present = program.grants.count()
    grants = Grant.objects.filter(program=program)
    counts = Counter(grants.values_list("status", flat=True))
    summary.by_grant_status = {status: counts[status] for status in GrantStatus.values}
    counts = Counter(
        Tranche.objects.filter(grant__program=program).values_list("status", flat=True)
    )
    summary.by_tranche_status = {status: counts[status] for status in TrancheStatus.values}
    return summary


def _program() -> Program:
    program = Program.objects.filter(name=PROGRAM_NAME, fiscal_year=FISCAL_YEAR).first()
    if program is not None:
        return program
    with clock(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=WITA)):
        program = Program.objects.create(
            name=PROGRAM_NAME,
            fiscal_year=FISCAL_YEAR,
            total_budget=sum(QUOTAS.values()) * GRANT_AMOUNT,
            default_amount=GRANT_AMOUNT,
            first_tranche_max_percent=50,
            max_tranches=3,
            tranche_needs_report=True,
            status=ProgramStatus.OPEN,
        )
        for code, count in QUOTAS.items():
            ProgramQuota.objects.create(program=program, regency_id=code, group_count=count)
    return program


def _missing_officers(officers, summary) -> dict:
    created = {}
    for regency in Regency.objects.filter(code__in=QUOTAS).exclude(code__in=officers):
        slug = slugify(regency.name.removeprefix("Kabupaten ").removeprefix("Kota "))
        first_name, last_name = OFFICER_NAMES[regency.code]
        user, new = User.objects.get_or_create(
            username=f"petugas.{slug}",
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": demo_email(f"petugas.{slug}"),
                "role": Role.REGENCY_OFFICER,
                "regency": regency,
            },
        )
        if new:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            summary.officers_created.append(user.username)
        created[regency.code] = user
    return created


# The story ---------------------------------------------------------------------------


@contextmanager
def clock(moment: datetime.datetime):
    """Everything that asks Django for "now" (the services, auto_now, the history) gets
    `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(datetime.UTC)):
        yield


def _later(day: datetime.date, rng, low: int, high: int) -> datetime.date:
    return min(day + datetime.timedelta(days=rng.randint(low, high)), STORY_END)


def _between(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


@dataclass
class _Cast:
    staff: User
    approver: User
    officer: User
    rng: random.Random
    reviewer: User | None = None  # accepts or returns the spending of the tranches
    references: Counter = field(default_factory=Counter)
    last: datetime.datetime | None = None  # the latest moment of the current grant's story

    @contextmanager
    def at(self, day: datetime.date):
        """Run the services as if it were a working hour (WITA) of `day`, after the grant's
        previous event."""
        moment = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(8, 15), self.rng.randrange(60)), tzinfo=WITA
        )
        if self.last and moment <= self.last:
            moment = self.last + datetime.timedelta(minutes=self.rng.randint(5, 90))
        self.last = moment
        with clock(moment):
            yield

    def reference(self, kind: str, day: datetime.date) -> str:
        self.references[kind] += 1
        number = self.references[kind]
        if kind == "transfer":
            return f"SP2D-LS/{number:04d}/BPKAD/{day.year}"
        return f"TRX{day:%Y%m%d}{number:05d}"


def _tell(program, staff, approver, officers, summary, head, reviewers) -> None:
    rng = random.Random(2026)
    groups = list(
        BusinessGroup.objects.filter(regency_id__in=QUOTAS, status=GroupStatus.ELIGIBLE)
        .select_related("regency")
        .order_by("regency_id", "registration_number")
    )
    lives = []  # (grant, story, cast, transferred, waiting), told once the decree is signed
    for code in QUOTAS:
        regency_groups = [g for g in groups if g.regency_id == code]
        stories = [story for story, n in STORIES.get(code, {}).items() for _ in range(n)]
        stories += [Story.FIRST_WITHDRAWN] * max(0, len(regency_groups) - len(stories))
        rng.shuffle(stories)
        waiting = iter(WAITING_SINCE.get(code, []))
        cast = _Cast(
            staff=staff,
            approver=approver,
            officer=officers[code],
            rng=rng,
            reviewer=reviewers.get(code, staff),
        )
        signed, transferred = SIGNED_AND_TRANSFERRED[code]
        for group, story in zip(regency_groups, stories, strict=False):
            cast.last = None
            try:
                with cast.at(AWARDED_ON):
                    grant = services.grant_award(
                        program=program,
                        group=group,
                        by=staff,
                    )
            except DomainError as error:
                summary.problems.append(f"{group.name}: {error}")
                continue
            summary.created += 1
            lives.append((grant, story, cast, signed, transferred, waiting))
    _decree(program, staff, head)
    without_nphd = None  # the first grant still to transfer: its NPHD is not issued yet
    for grant, story, cast, signed, transferred, waiting in lives:
        cast.last = datetime.datetime.combine(DECREE_SIGNED_ON, datetime.time(16), tzinfo=WITA)
        if story == Story.NOT_TRANSFERRED and without_nphd is None:
            without_nphd = grant
        try:
            _agreement(grant, story, cast, head, signed=signed, skip=grant is without_nphd)
            _live(grant, story, cast, transferred=transferred, waiting=waiting)
        except DomainError as error:
            summary.problems.append(f"{grant.group.name}: {error}")


def _agreement(grant, story, cast, head, *, signed, skip) -> None:
    """Each group's NPHD is issued after the decree and signed on its regency's day; of
    the grants still to transfer, the first (in Paser) has no NPHD yet and the others wait
    for their signed scan."""
    if skip:
        return
    with cast.at(AGREEMENTS_ISSUED_ON):
        agreement = services.agreement_issue(
            grant=grant, signatory=head, by=cast.staff, issued_on=AGREEMENTS_ISSUED_ON
        )
    if story == Story.NOT_TRANSFERRED:
        return
    group = grant.group
    with cast.at(signed):
        services.agreement_sign(
            agreement=agreement,
            by=cast.officer,
            signed_on=signed,
            scan=scan(
                f"nphd-{group.registration_number}.png",
                "NASKAH PERJANJIAN HIBAH DAERAH",
                f"Nomor: {agreement.number}",
                group.name,
                "Ditandatangani PARA PIHAK",
            ),
        )


def _decree(program, staff, head) -> None:
    """The head of the office signs the decree naming every awarded group."""
    with clock(datetime.datetime.combine(AWARDED_ON, datetime.time(15), tzinfo=WITA)):
        decree = services.decree_prepare(program=program, signatory=head, by=staff)
    with clock(datetime.datetime.combine(DECREE_SIGNED_ON, datetime.time(10), tzinfo=WITA)):
        services.decree_sign(decree=decree, by=staff, signed_on=DECREE_SIGNED_ON)


def _live(grant, story: Story, cast: _Cast, *, transferred, waiting) -> None:
    """Take a freshly awarded grant through its story."""
    rng = cast.rng
    if story == Story.NOT_TRANSFERRED:
        return
    if story == Story.TRANSFERRED:
        transferred = _between(rng, datetime.date(2026, 6, 15), datetime.date(2026, 7, 24))
    with cast.at(transferred):
        grant = services.grant_record_transfer(
            grant=grant,
            by=cast.staff,
            transferred_on=transferred,
            reference=cast.reference("transfer", transferred),
        )
    if story == Story.TRANSFERRED:
        return

    first = 10_000_000 if rng.random() < 0.8 else rng.choice([7_500_000, 8_000_000])
    purpose = rng.choice(PURPOSES[grant.group.sector])
    if story == Story.FIRST_REQUESTED:
        month, day = next(waiting, (None, None))
        asked = (
            datetime.date(2026, month, day)
            if month
            else _between(rng, datetime.date(2026, 10, 20), STORY_END)
        )
        _request(grant, first, purpose, cast, asked)
        return
    if story == Story.FIRST_APPROVED:
        asked = _between(rng, datetime.date(2026, 11, 9), datetime.date(2026, 11, 16))
        _approve(_request(grant, first, purpose, cast, asked), cast, _later(asked, rng, 1, 4))
        return
    if story == Story.FIRST_REJECTED:
        asked = _between(rng, datetime.date(2026, 10, 19), datetime.date(2026, 11, 6))
        tranche = _request(grant, first, purpose, cast, asked)
        _reject(tranche, cast, _later(asked, rng, 2, 6))
        return

    asked = _later(transferred, rng, 7, 25)
    if story == Story.REJECTED_THEN_WITHDRAWN:
        rejected = _later(asked, rng, 2, 5)
        _reject(_request(grant, first, purpose, cast, asked), cast, rejected)
        asked = _later(rejected, rng, 5, 12)
    elif story == Story.CANCELLED_THEN_WITHDRAWN:
        # The officer left out a zero (Rp1.000.000), cancelled, and asked again.
        tranche = _request(grant, first // 10, purpose, cast, asked)
        with cast.at(asked):
            services.tranche_cancel(tranche=tranche, by=cast.officer)
        asked = _later(asked, rng, 0, 2)
    tranche = _withdraw_flow(grant, first, purpose, cast, asked)
    if story in (
        Story.FIRST_WITHDRAWN,
        Story.REJECTED_THEN_WITHDRAWN,
        Story.CANCELLED_THEN_WITHDRAWN,
    ):
        _account(tranche, cast, outcome=_some_outcome(rng))
        return

    # A second tranche, once the first's spending is accepted and before the first
    # progress report falls due.
    accounted = _account(tranche, cast, outcome="accepted")
    withdrawn = tranche.withdrawn_on
    left = GRANT_AMOUNT - first
    asked = _later(withdrawn, rng, 20, 45)
    asked = min(max(asked, SECOND_TRANCHES_FROM), SECOND_TRANCHES_UNTIL)
    asked = max(asked, accounted + datetime.timedelta(days=1))
    purpose = rng.choice(LATER_PURPOSES)
    if story == Story.COMPLETED:
        second = _withdraw_flow(grant, left, purpose, cast, asked)
        done = _account(second, cast, outcome="accepted")
        with cast.at(_later(done, rng, 3, 10)):
            services.grant_complete(grant=grant, by=cast.staff)
    elif story == Story.SECOND_WITHDRAWN:
        amount = min(left, rng.choice([5_000_000, 6_000_000, 7_500_000, left]))
        second = _withdraw_flow(grant, amount, purpose, cast, asked)
        _account(second, cast, outcome=_some_outcome(rng))
    elif story == Story.SECOND_REJECTED:
        _reject(_request(grant, left, purpose, cast, asked), cast, _later(asked, rng, 2, 6))
    elif story == Story.SECOND_CANCELLED:
        tranche = _request(grant, left, purpose, cast, asked)
        with cast.at(_later(asked, rng, 1, 3)):
            services.tranche_cancel(tranche=tranche, by=cast.officer)


# What the tranches bought: purchases per sector (item, unit, share of a tranche), and
# the shops they came from.
PURCHASES = {
    Sector.TRADE: [
        ("Beras premium", "karung"), ("Minyak goreng", "dus"), ("Gula pasir", "karung"),
        ("Etalase kaca", "unit"), ("Timbangan digital", "unit"),
    ],
    Sector.FOOD: [
        ("Ikan pipih", "kg"), ("Tepung tapioka", "kg"), ("Kemasan plastik berlabel", "pak"),
        ("Kompor gas dua tungku", "unit"), ("Mesin sealer", "unit"),
    ],
    Sector.LIVESTOCK: [
        ("Bibit ayam kampung", "ekor"), ("Pakan ayam", "karung"),
        ("Vitamin dan vaksin", "paket"), ("Bahan kandang panggung", "paket"),
    ],
    Sector.FARMING: [
        ("Bibit lada", "batang"), ("Pupuk NPK", "karung"), ("Alat semprot", "unit"),
        ("Mulsa plastik", "gulung"),
    ],
    Sector.FISHERY: [
        ("Jaring insang", "pis"), ("Benih ikan nila", "ekor"), ("Pakan ikan", "karung"),
        ("Terpal kolam", "lembar"),
    ],
    Sector.SERVICES: [
        ("Mesin jahit", "unit"), ("Kain katun", "meter"), ("Benang dan aksesoris", "paket"),
        ("Kompresor", "unit"),
    ],
    Sector.CRAFT: [
        ("Rotan", "ikat"), ("Pewarna alami", "paket"), ("Manik-manik", "pak"),
        ("Peralatan anyam", "set"),
    ],
    Sector.OTHER: [("Peralatan usaha", "paket"), ("Bahan baku", "paket")],
}  # fmt: skip
SHOPS = [
    "Toko Sumber Rezeki", "UD Maju Bersama", "Toko Bangunan Sinar Jaya", "CV Karya Tani",
    "Toko Berkah Abadi", "Pasar Induk (pedagang)", "UD Sentosa", "Toko Elektronik Cahaya",
]  # fmt: skip
RETURN_REASONS = [
    "Dua nota tidak terbaca; mohon foto ulang dengan jelas.",
    "Nilai pada nota berbeda dengan yang dicatat; mohon diperiksa kembali.",
    "Belanja etalase belum ada nota dari toko; lampirkan kuitansi bermeterai.",
]


def _account(tranche, cast, *, outcome: str) -> datetime.date:
    """Record what a withdrawn tranche bought and take its review to `outcome` (accepted,
    submitted, returned, draft or empty); the last day of that story."""
    rng, grant = cast.rng, tranche.grant
    report = tranche.spending
    day = tranche.withdrawn_on
    if outcome == "empty":
        return day
    goods = PURCHASES[grant.group.sector]
    count = rng.randint(2, min(4, len(goods)))
    shares = sorted(rng.sample(range(1, 20), count - 1))
    parts = [b - a for a, b in zip([0, *shares], [*shares, 20], strict=True)]
    amounts = [tranche.amount * part // 20 // 1000 * 1000 for part in parts]
    amounts[-1] += tranche.amount - sum(amounts)
    if outcome == "draft":
        amounts = amounts[: max(1, count - 1)]
    for (item, unit), amount in zip(rng.sample(goods, count), amounts, strict=False):
        day = _later(day, rng, 0, 2)
        shop = rng.choice(SHOPS)
        with cast.at(day):
            services.spending_line_add(
                report=report,
                by=cast.officer,
                item=item,
                quantity=rng.choice([1, 2, 5, 10, 20, 50]),
                unit=unit,
                amount=amount,
                spent_on=day,
                supplier=f"{shop}, {grant.group.village.name}",
                receipt=receipt(
                    f"nota-{grant.group.registration_number}-{tranche.sequence}-{item[:12]}.png",
                    "NOTA / KUITANSI",
                    shop,
                    item,
                    f"Rp{amount:,}".replace(",", "."),
                ),
            )
    if outcome == "draft":
        return day
    day = _later(day, rng, 1, 4)
    with cast.at(day):
        services.spending_submit(report=report, by=cast.officer)
    if outcome == "submitted":
        return day
    day = _later(day, rng, 1, 3)
    with cast.at(day):
        if outcome == "returned":
            services.spending_return(
                report=report, by=cast.reviewer, reason=rng.choice(RETURN_REASONS)
            )
        else:
            services.spending_accept(report=report, by=cast.reviewer)
    return day


def _some_outcome(rng) -> str:
    """How far the accounting of a tranche with no next tranche has come by November."""
    return rng.choices(
        ["accepted", "submitted", "returned", "draft", "empty"], weights=[45, 18, 7, 15, 15]
    )[0]


def _request(grant, amount, purpose, cast, day):
    with cast.at(day):
        return services.tranche_request(
            grant=grant, amount=amount, purpose=purpose, by=cast.officer
        )


def _approve(tranche, cast, day):
    with cast.at(day):
        return services.tranche_approve(
            tranche=tranche, by=cast.approver, note=cast.rng.choice(APPROVAL_NOTES)
        )


def _reject(tranche, cast, day):
    with cast.at(day):
        return services.tranche_reject(
            tranche=tranche, by=cast.approver, reason=cast.rng.choice(REJECTIONS)
        )


def _withdraw_flow(grant, amount, purpose, cast, asked):
    """Request, approve and withdraw a tranche; the tranche, withdrawn."""
    rng = cast.rng
    approved = _later(asked, rng, 1, 4)
    withdrawn = _later(approved, rng, 1, 6)
    tranche = _approve(_request(grant, amount, purpose, cast, asked), cast, approved)
    with cast.at(withdrawn):
        return services.tranche_mark_withdrawn(
            tranche=tranche,
            by=cast.officer,
            withdrawn_on=withdrawn,
            reference=cast.reference("withdrawal", withdrawn),
        )
