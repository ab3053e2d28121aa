"""The Kaltim demo story for business groups: the 175 KUBE funded by Dinsos Kalimantan Timur,
35 of them in Kabupaten Paser, the other 140 across the other nine regencies and cities.

Everything comes from a seeded `random.Random` and the plain word lists below (no Faker: the
demo must run without the dev dependencies), so every run plans exactly the same groups. The
groups are moved through the real services (`group_register`, `group_verify`, ...), so their
registration numbers, status history and audit entries are real.

Rerunnable: a planned group whose name already exists in its regency is left alone (whatever
its status is now), and only the missing ones are created; a second run creates nothing.
"""

import datetime
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from core.errors import DomainError
from groups import services
from groups.models import BusinessGroup, GroupStatus, Member, MemberRole, Sector, Sex
from regions.models import District, Village

# Groups per regency: 35 in Paser (the story), 140 across the other nine.
GROUPS_PER_REGENCY = {
    "64.01": 35,  # Kabupaten Paser
    "64.02": 24,  # Kabupaten Kutai Kartanegara
    "64.03": 16,  # Kabupaten Berau
    "64.07": 14,  # Kabupaten Kutai Barat
    "64.08": 18,  # Kabupaten Kutai Timur
    "64.09": 12,  # Kabupaten Penajam Paser Utara
    "64.11": 8,  # Kabupaten Mahakam Ulu
    "64.71": 14,  # Kota Balikpapan
    "64.72": 22,  # Kota Samarinda
    "64.74": 12,  # Kota Bontang
}

# Groups that are not (or no longer) eligible, per regency; every other group is eligible.
# Paser has proposed groups so that its officer and the province staff have work waiting.
_P, _V, _R, _I = (
    GroupStatus.PROPOSED,
    GroupStatus.VERIFIED,
    GroupStatus.REJECTED,
    GroupStatus.INACTIVE,
)
NOT_ELIGIBLE = {
    "64.01": {_P: 4, _V: 2, _R: 1},
    "64.02": {_P: 1, _V: 2, _R: 1, _I: 1},
    "64.03": {_P: 1, _V: 2},
    "64.07": {_V: 1},
    "64.08": {_V: 1, _I: 1},
    "64.09": {_V: 1},
    "64.11": {_P: 1},
    "64.71": {_V: 1},
    "64.72": {_P: 1, _V: 1, _R: 1},
    "64.74": {_V: 1},
}

# (rejected after verification?, reason), used in order.
REJECTIONS = [
    (
        False,
        "Dua anggota tercatat sebagai penerima bantuan UEP dari Kemensos tahun 2024; "
        "kelompok dipersilakan mengusulkan ulang dengan anggota pengganti.",
    ),
    (
        False,
        "Proposal ganda: kelompok yang sama sudah diusulkan melalui Dinsos kabupaten "
        "pada tahun anggaran yang sama.",
    ),
    (
        True,
        "Hasil kunjungan lapangan: usaha belum berjalan dan lokasi usaha tidak sesuai "
        "dengan proposal.",
    ),
]
DEACTIVATIONS = [
    "Kelompok bubar setelah ketua pindah domisili ke luar daerah; anggota tidak melanjutkan "
    "usaha bersama.",
    "Usaha berhenti setelah tempat usaha terdampak banjir; rapat anggota menyatakan kelompok "
    "tidak aktif.",
]

SECTOR_WEIGHTS = {
    Sector.TRADE: 25,
    Sector.FOOD: 25,
    Sector.LIVESTOCK: 12,
    Sector.FARMING: 12,
    Sector.FISHERY: 10,
    Sector.SERVICES: 7,
    Sector.CRAFT: 6,
    Sector.OTHER: 3,
}
# Words that name the trade in a group's name ("KUBE Nelayan Maju Jaya").
SECTOR_WORDS = {
    Sector.TRADE: ["Warung", "Sembako", "Kios"],
    Sector.FOOD: ["Amplang", "Kuliner", "Kue", "Keripik"],
    Sector.LIVESTOCK: ["Ternak", "Peternak"],
    Sector.FARMING: ["Tani", "Kebun", "Lada"],
    Sector.FISHERY: ["Nelayan", "Tambak", "Bahari"],
    Sector.SERVICES: ["Jahit", "Bengkel", "Laundry"],
    Sector.CRAFT: ["Anyaman Rotan", "Kerajinan", "Manik-Manik"],
    Sector.OTHER: [],
}
GROUP_WORDS = [
    "Mekar Sari", "Usaha Bersama", "Maju Jaya", "Sumber Rezeki", "Berkah Bersama", "Sejahtera",
    "Harapan Baru", "Karya Mandiri", "Bina Usaha", "Sido Makmur", "Tunas Harapan", "Cahaya Baru",
    "Mandiri Sejahtera", "Rukun Makmur", "Makmur Abadi", "Sinar Harapan", "Bunga Tanjung",
    "Melati", "Anggrek Hitam", "Pesut Mahakam", "Enggang Lestari", "Lestari", "Mitra Usaha",
    "Sepakat", "Gotong Royong", "Beringin", "Permata Hati", "Mutiara", "Teratai", "Kenanga",
    "Sumber Jaya", "Bina Sejahtera", "Karya Bersama", "Maju Bersama", "Sinar Pagi", "Fajar Baru",
    "Rezeki Barokah", "Amanah", "Barokah", "Mawar", "Bina Karya", "Swadaya", "Sehati",
    "Serumpun", "Bersatu", "Tunas Muda", "Srikandi", "Bina Mandiri", "Mufakat", "Sri Rejeki",
    "Rahayu", "Sentosa", "Tanjung Harapan", "Citra Mandiri", "Jaya Abadi", "Kembang Sari",
]  # fmt: skip

MALE_NAMES = [
    "Ahmad", "Muhammad", "Abdul", "Agus", "Budi", "Slamet", "Joko", "Hendra", "Rudi", "Andi",
    "Syamsul", "Rahmat", "Yusuf", "Bambang", "Eko", "Dedi", "Hasan", "Ismail", "Iwan",
    "Suparman", "Sutrisno", "Arif", "Hamzah", "Ridwan", "Fadli", "Sugianto", "Wahyu",
    "Darmawan", "Herman", "Rusdi", "Taufik", "Junaidi", "Mulyadi", "Sapri", "Jumadi", "Saleh",
    "Asmuni", "Irwan", "Firmansyah", "Marjuki", "Supriadi", "Akhmad", "Baharuddin", "Daeng",
]  # fmt: skip
MALE_SURNAMES = [
    "Santoso", "Hidayat", "Saputra", "Gunawan", "Setiawan", "Wijaya", "Pratama", "Kurniawan",
    "Syahputra", "Rahman", "Effendi", "Hakim", "Nugroho", "Prasetyo", "Susanto", "Hasanuddin",
    "Ramadhan", "Firdaus", "Maulana", "Sulaiman", "Ansyari", "Noor", "Iskandar", "Fauzi",
    "Anwar", "Arsyad", "Nasution", "Kadir",
]  # fmt: skip
FEMALE_NAMES = [
    "Siti", "Sri", "Nur", "Dewi", "Rina", "Yuliana", "Fatimah", "Hasnah", "Rosmini",
    "Nurhayati", "Wati", "Aminah", "Halimah", "Rahmawati", "Sulastri", "Suryani", "Kartini",
    "Ernawati", "Mariana", "Jumiati", "Masitah", "Rusmini", "Hartini", "Yanti", "Sumiati",
    "Nuraini", "Indah", "Ratna", "Hairunnisa", "Mardiana", "Norhayati", "Salmah", "Asmah",
    "Rosdiana", "Murni", "Endang", "Tri",
]  # fmt: skip
FEMALE_SURNAMES = [
    "Aminah", "Rahayu", "Wahyuni", "Lestari", "Handayani", "Purwanti", "Susanti", "Hidayati",
    "Kusuma", "Maryam", "Zubaidah", "Fitriani", "Safitri", "Anggraini", "Puspita", "Wulandari",
    "Ningsih", "Marlina", "Hasanah", "Rahmah", "Sari", "Astuti",
]  # fmt: skip
STREETS = [
    "Jenderal Sudirman", "Ahmad Yani", "Pangeran Antasari", "Diponegoro", "Gajah Mada",
    "Kartini", "Pattimura", "Imam Bonjol", "Mulawarman", "Kesuma Bangsa", "Pahlawan",
    "Hasanuddin", "Merdeka", "Poros Desa", "Pelabuhan", "Pasar Baru", "Cendana", "Flamboyan",
    "Padat Karya", "Gotong Royong", "Sultan Aji Muhammad Idris", "Gatot Subroto", "Cempaka",
]  # fmt: skip
# Bank, weight, account number length.
BANKS = [("Bankaltimtara", 55, 10), ("BRI", 25, 15), ("BNI", 10, 10), ("Mandiri", 10, 13)]
PHONE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0852", "0853"]
# DTSEN deciles: the poorest four tenths (the KUBE programme's limit); two proposed Paser
# groups break the register's rules on purpose (see _not_by_the_register).
DECILE_WEIGHTS = {1: 30, 2: 30, 3: 22, 4: 18}
# Members per group (5 to 20), mostly around ten.
MEMBER_COUNT_WEIGHTS = dict(
    zip(range(5, 21), [3, 4, 5, 8, 12, 14, 16, 12, 8, 5, 4, 3, 2, 2, 1, 1], strict=True)
)


@dataclass
class PlannedGroup:
    group: BusinessGroup  # not saved yet
    members: list[Member]  # not saved yet
    status: str
    reason: str = ""
    reject_after_verification: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.group.regency_id, self.group.name)


@dataclass
class GroupSeedSummary:
    created: int = 0
    already_present: int = 0
    not_created: list[str] = field(default_factory=list)  # refused by the services, with why
    by_status: dict[str, int] = field(default_factory=dict)  # the demo groups now in the DB
    members: int = 0
    active_members: int = 0

    @property
    def groups(self) -> int:
        return sum(self.by_status.values())


def seed_groups(*, by_province, by_officers=None, rng_seed: int = 2026) -> GroupSeedSummary:
    """Create whichever of the 175 demo groups are missing and move each to its planned status.

    `by_officers` maps a regency code to its officer, who then registers that regency's
    groups; the other groups are registered by `by_province`, who also takes every
    decision (verify, declare eligible, reject, deactivate).
    """
    by_officers = by_officers or {}
    plan = plan_groups(rng_seed=rng_seed)
    existing = set(
        BusinessGroup.objects.filter(regency_id__in=GROUPS_PER_REGENCY).values_list(
            "regency_id", "name"
        )
    )
    summary = GroupSeedSummary()
    with transaction.atomic():
        for planned in plan:
            if planned.key in existing:
                summary.already_present += 1
                continue
            registrar = by_officers.get(planned.group.regency_id) or by_province
            try:
                with transaction.atomic():  # a refused group leaves nothing behind
                    group = services.group_register(
                        group=planned.group, members=planned.members, by=registrar
                    )
                    _advance(group, planned, by=by_province)
            except DomainError as exc:
                # E.g. someone registered a demo NIK by hand in another group: report it.
                summary.not_created.append(f"{planned.group.name}: {exc}")
                continue
            summary.created += 1

    keys = {planned.key for planned in plan}
    demo = [
        (pk, status)
        for pk, regency_id, name, status in BusinessGroup.objects.filter(
            regency_id__in=GROUPS_PER_REGENCY
        ).values_list("pk", "regency_id", "name", "status")
        if (regency_id, name) in keys
    ]
    counts = Counter(status for _, status in demo)
    summary.by_status = {status: counts[status] for status in GroupStatus.values}
    members = Member.objects.filter(group_id__in=[pk for pk, _ in demo])
    summary.members = members.count()
    summary.active_members = members.filter(active=True).count()
    return summary


def _advance(group, planned: PlannedGroup, *, by) -> None:
    """Take a freshly registered (proposed) group to its planned status, step by step."""
    if planned.status == GroupStatus.PROPOSED:
        return
    if planned.status == GroupStatus.REJECTED and not planned.reject_after_verification:
        services.group_reject(group=group, by=by, reason=planned.reason)
        return
    group = services.group_verify(group=group, by=by)
    if planned.status == GroupStatus.REJECTED:
        services.group_reject(group=group, by=by, reason=planned.reason)
        return
    if planned.status == GroupStatus.VERIFIED:
        return
    group = services.group_mark_eligible(group=group, by=by)
    if planned.status == GroupStatus.INACTIVE:
        services.group_deactivate(group=group, by=by, reason=planned.reason)


def plan_groups(*, rng_seed: int = 2026) -> list[PlannedGroup]:
    """The demo groups with their members and target status, the same for the same seed.

    Reads the districts and their villages from the database (load the regions first);
    nothing is saved.
    """
    rng = random.Random(rng_seed)
    districts = _districts_by_regency()
    villages = _villages_by_district()
    nik_serials = itertools.count(1)  # unique across the demo (a NIK serial is 0001-9999)
    names: set[str] = set()  # unique across the province, so lists and searches stay clear
    rejections, deactivations = iter(REJECTIONS), iter(DEACTIVATIONS)
    account_numbers: set[str] = set()
    plan = []
    for regency_code, count in GROUPS_PER_REGENCY.items():
        statuses = [s for s, n in NOT_ELIGIBLE.get(regency_code, {}).items() for _ in range(n)]
        statuses += [GroupStatus.ELIGIBLE] * (count - len(statuses))
        rng.shuffle(statuses)
        for status in statuses:
            district = rng.choice(districts[regency_code])
            village = rng.choice(villages[district.code])
            sector = rng.choices(list(SECTOR_WEIGHTS), weights=SECTOR_WEIGHTS.values())[0]
            name = _group_name(rng, sector=sector, village=village.name, taken=names)
            names.add(name)
            bank, account_number = _bank_account(rng, taken=account_numbers)
            group = BusinessGroup(
                name=name,
                sector=sector,
                regency_id=regency_code,
                district_id=district.code,
                village=village,
                address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 150)}, "
                f"RT {rng.randint(1, 30):02d}",
                phone=_phone(rng),
                date_formed=_random_date(
                    rng, datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)
                ),
                bank_name=bank,
                account_number=account_number,
                account_holder=name,
            )
            members = _members(rng, district_code=district.code, nik_serials=nik_serials)
            planned = PlannedGroup(group=group, members=members, status=status)
            if status == GroupStatus.REJECTED:
                planned.reject_after_verification, planned.reason = next(rejections)
            elif status == GroupStatus.INACTIVE:
                planned.reason = next(deactivations)
            plan.append(planned)
    _not_by_the_register(plan)
    return plan


def _not_by_the_register(plan) -> None:
    """Two of the proposed Paser groups the province cannot verify, for the register says
    otherwise: one has a member in DTSEN decile 7, the other's members all share one family
    card (one household, where a KUBE needs five)."""
    proposed = [
        p for p in plan if p.group.regency_id == "64.01" and p.status == GroupStatus.PROPOSED
    ]
    if len(proposed) >= 2:
        proposed[0].members[-1].decile = 7
        family_card = proposed[1].members[0].kk_number
        for member in proposed[1].members:
            member.kk_number = family_card


def _districts_by_regency() -> dict[str, list[District]]:
    districts: dict[str, list[District]] = {code: [] for code in GROUPS_PER_REGENCY}
    for district in District.objects.filter(regency_id__in=GROUPS_PER_REGENCY).order_by("code"):
        districts[district.regency_id].append(district)
    missing = [code for code, found in districts.items() if not found]
    if missing:
        raise ValueError(f"No districts loaded for {', '.join(missing)}: run load_regions first.")
    return districts


def _villages_by_district() -> dict[str, list[Village]]:
    """The villages of the demo's regencies, by district, in code order (one query)."""
    villages: dict[str, list[Village]] = {}
    for village in Village.objects.filter(district__regency_id__in=GROUPS_PER_REGENCY).order_by(
        "code"
    ):
        villages.setdefault(village.district_id, []).append(village)
    return villages


def _group_name(rng, *, sector, village, taken) -> str:
    """`KUBE Mekar Sari`, `KUBE Nelayan Maju Jaya`, `KUBE Usaha Bersama Tanah Grogot`."""
    for _attempt in range(50):
        words = rng.choice(GROUP_WORDS)
        pattern = rng.random()
        if pattern < 0.3 and SECTOR_WORDS[sector]:
            name = f"KUBE {rng.choice(SECTOR_WORDS[sector])} {words}"
        elif pattern < 0.55:
            name = f"KUBE {words} {village}"
        else:
            name = f"KUBE {words}"
        if name not in taken:
            return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def _bank_account(rng, *, taken) -> tuple[str, str]:
    bank, _weight, length = rng.choices(BANKS, weights=[b[1] for b in BANKS])[0]
    while True:
        number = "".join(rng.choices("0123456789", k=length))
        if number not in taken:
            taken.add(number)
            return bank, number


def _phone(rng) -> str:
    return rng.choice(PHONE_PREFIXES) + "".join(rng.choices("0123456789", k=8))


def _random_date(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _person_name(rng, sex) -> str:
    first_names, surnames, with_surname = (
        (MALE_NAMES, MALE_SURNAMES, 0.7)
        if sex == Sex.MALE
        else (FEMALE_NAMES, FEMALE_SURNAMES, 0.6)
    )
    first = rng.choice(first_names)
    if rng.random() >= with_surname:
        return first
    surname = rng.choice([s for s in surnames if s != first])
    return f"{first} {surname}"


def _members(rng, *, district_code, nik_serials) -> list[Member]:
    """5 to 20 members, mostly women, NIKs issued in the group's own district."""
    count = rng.choices(list(MEMBER_COUNT_WEIGHTS), weights=MEMBER_COUNT_WEIGHTS.values())[0]
    roles = [MemberRole.CHAIR, MemberRole.SECRETARY, MemberRole.TREASURER]
    roles += [MemberRole.MEMBER] * (count - len(roles))
    region_digits = district_code.replace(".", "")
    members = []
    for role in roles:
        sex = Sex.FEMALE if rng.random() < 0.6 else Sex.MALE
        birth_date = _random_date(rng, datetime.date(1960, 1, 1), datetime.date(2000, 12, 31))
        issued = _random_date(rng, datetime.date(2008, 1, 1), datetime.date(2024, 12, 31))
        members.append(
            Member(
                nik=synthetic_nik(
                    district_code=district_code,
                    birth_date=birth_date,
                    sex=sex,
                    serial=next(nik_serials),
                ),
                kk_number=f"{region_digits}{issued:%d%m%y}{rng.randint(1, 9999):04d}",
                full_name=_person_name(rng, sex),
                sex=sex,
                birth_date=birth_date,
                phone=_phone(rng) if rng.random() < 0.7 else "",
                role=role,
                decile=rng.choices(list(DECILE_WEIGHTS), weights=DECILE_WEIGHTS.values())[0],
            )
        )
    return members


def synthetic_nik(*, district_code: str, birth_date, sex: str, serial: int) -> str:
    """A NIK that passes every structural check and encodes the district, birth date and sex
    (the day + 40 for women): `PP RR DD DDMMYY SSSS`."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"
