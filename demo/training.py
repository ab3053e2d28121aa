"""The Kaltim demo story for training and mentoring in 2026.

- On 29 July 2026 the province trains the eligible Paser groups at Gedung Perempuan Berjaya,
  Paser; the province staff record the attendance sheet that evening (most members came).
- On 17-18 November 2026 the Berau officer holds a bimtek for the eligible Berau groups; its
  attendance is not recorded yet, so it waits on the Berau officer's and the province's home.
- From March to late November 2026 the regency officers visit, call and meet their eligible
  and funded groups: most groups were visited in the last four months, some only earlier, a
  few never; some follow-ups are overdue; some field visits carry a photo.

Everything goes through the real services at the story's moments (grants.demo.clock), so the
records, their history and the "who" read like the year they tell; the story ends on
grants.demo.STORY_END.

Rerunnable: a session found by its title and first day is left alone, and visits are written
only when there are none yet.
"""

import datetime
import io
import random
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from demo.grants import PROGRAM_NAME as GRANT_PROGRAM_NAME
from demo.grants import STORY_END, WITA, clock
from grants.models import Grant, GrantStatus, Program
from groups.models import BusinessGroup, GroupStatus, Sector
from training import services
from training.models import Attendance, MentoringVisit, TrainingSession, VisitKind

PASER_TRAINING = {
    "regency_id": "64.01",
    "title": "Pelatihan Kewirausahaan dan Pengelolaan Dana Hibah KUBE Kabupaten Paser",
    "topic": "Manajemen usaha kelompok, pembukuan kas sederhana, pemasaran, serta tata cara "
    "pencairan bertahap dan pertanggungjawaban dana hibah",
    "start_date": datetime.date(2026, 7, 29),
    "end_date": datetime.date(2026, 7, 29),
    "venue": "Gedung Perempuan Berjaya, Paser",
    "facilitator": "Dra. Hj. Nurlaila, M.Si. (Dinas Sosial Provinsi Kalimantan Timur)",
    "notes": "Peserta: ketua, sekretaris, bendahara dan anggota KUBE penerima bantuan. "
    "Konsumsi dan transport lokal ditanggung panitia.",
}
BERAU_TRAINING = {
    "regency_id": "64.03",
    "title": "Bimbingan Teknis Pembukuan dan Pemasaran KUBE Kabupaten Berau",
    "topic": "Buku kas harian, nota belanja, harga jual, dan pemasaran melalui media sosial",
    "start_date": datetime.date(2026, 11, 17),
    "end_date": datetime.date(2026, 11, 18),
    "venue": "Aula Dinas Sosial Kabupaten Berau, Tanjung Redeb",
    "facilitator": "Agus Pratama, S.Sos. dan Tim Pendamping PKH Berau",
    "notes": "",
}

FINDINGS = {
    Sector.TRADE: [
        "Warung buka setiap hari; stok sembako cukup, tetapi buku kas belum diisi dua minggu.",
        "Etalase dan rak sudah dibeli sesuai proposal; omzet harian sekitar Rp600.000.",
    ],
    Sector.FOOD: [
        "Produksi amplang sekitar 20 kg per minggu; kemasan belum berlabel.",
        "Usaha kue berjalan; pesanan ramai menjelang akhir pekan, bahan baku dibeli tunai.",
    ],
    Sector.LIVESTOCK: [
        "Ayam kampung 140 ekor sehat; kandang perlu diperbaiki sebelum musim hujan.",
        "Empat kambing bibit dalam kondisi baik; satu induk bunting.",
    ],
    Sector.FARMING: [
        "Lahan lada sudah ditanam; bibit tumbuh baik, pupuk tahap kedua belum dibeli.",
        "Panen sayur pertama dijual ke pasar kecamatan; pompa air berfungsi.",
    ],
    Sector.FISHERY: [
        "Jaring baru sudah dipakai; hasil tangkapan naik, tetapi harga ikan sedang turun.",
        "Kolam nila terisi benih; pakan cukup untuk satu bulan.",
    ],
    Sector.SERVICES: [
        "Tiga mesin jahit dipakai bergantian; pesanan seragam sekolah sedang ramai.",
        "Bengkel buka setiap hari; suku cadang dicatat, tetapi nota belanja belum lengkap.",
    ],
    Sector.CRAFT: [
        "Anyaman rotan dijual di pasar seni; bahan rotan sulit didapat bulan ini.",
        "Kerajinan manik-manik laku di pameran UMKM; stok bahan menipis.",
    ],
    Sector.OTHER: ["Usaha berjalan sesuai proposal; pembukuan perlu dirapikan."],
}
ADVICE = [
    "Catat setiap pemasukan dan pengeluaran pada hari yang sama, dan simpan semua nota.",
    "Pisahkan uang usaha dari uang pribadi; setor hasil penjualan ke rekening kelompok.",
    "Adakan rapat anggota bulanan dan catat hasilnya di buku notulen.",
    "Siapkan nota belanja untuk laporan catur wulan berikutnya.",
    "Coba jual melalui grup WhatsApp desa dan titip di toko oleh-oleh.",
]
PHONE_FINDINGS = [
    "Ketua melaporkan lewat telepon: usaha berjalan, ada kendala harga bahan baku.",
    "Bendahara menanyakan tata cara laporan; sudah dijelaskan.",
]
MEETING_FINDINGS = [
    "Pertemuan kelompok di rumah ketua: semua anggota hadir, pembagian tugas dibahas ulang.",
    "Pertemuan di kantor Dinsos kabupaten: kelompok membawa buku kas untuk diperiksa.",
]
KIND_WEIGHTS = [(VisitKind.VISIT, 65), (VisitKind.PHONE, 20), (VisitKind.MEETING, 15)]


@dataclass
class TrainingSeedSummary:
    sessions_created: int = 0
    sessions_present: int = 0  # found from an earlier run
    present: int = 0
    absent: int = 0
    visits_created: int = 0
    visits_present: int = 0  # visits found: none written
    photos: int = 0
    problems: list[str] = field(default_factory=list)


def seed_training(*, province_staff, officers: dict, rng_seed: int = 2026) -> TrainingSeedSummary:
    """The demo trainings and visits (see the module's story). `officers` maps a regency code
    to its officer; the other regencies' first active officer is used, if any."""
    summary = TrainingSeedSummary()
    rng = random.Random(rng_seed)
    program = Program.objects.filter(name=GRANT_PROGRAM_NAME).order_by("-fiscal_year").first()
    if program is None:
        summary.problems.append("the demo programme is missing: run the grants demo first")
        return summary
    officers = {**_regency_officers(), **officers}
    with transaction.atomic():
        paser = _session(
            PASER_TRAINING, program=program, by=province_staff,
            planned=datetime.date(2026, 7, 13), summary=summary,
        )  # fmt: skip
        if paser is not None:
            _record_attendance(paser, by=province_staff, rng=rng, summary=summary)
        berau_officer = officers.get("64.03", province_staff)
        _session(
            BERAU_TRAINING, program=program, by=berau_officer,
            planned=datetime.date(2026, 11, 2), summary=summary,
        )  # fmt: skip
    with transaction.atomic():
        summary.visits_present = MentoringVisit.objects.count()
        if not summary.visits_present:
            _visits(officers, rng=rng, summary=summary)
    counts = Attendance.objects.filter(session__title=PASER_TRAINING["title"])
    summary.present = counts.filter(present=True).count()
    summary.absent = counts.filter(present=False).count()
    return summary


def _regency_officers() -> dict:
    found = {}
    for user in User.objects.filter(role=Role.REGENCY_OFFICER, is_active=True).order_by("pk"):
        found.setdefault(user.regency_id, user)
    return found


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WITA)


def _session(spec, *, program, by, planned, summary):
    """The session of `spec`, created on `planned` with the regency's eligible groups
    invited; None when it was there already (its attendance is then left alone)."""
    if TrainingSession.objects.filter(title=spec["title"], start_date=spec["start_date"]).exists():
        summary.sessions_present += 1
        return None
    with clock(_at(planned, 9, 30)):
        session = services.session_create(
            session=TrainingSession(program=program, **spec), by=by, invite_eligible=True
        )
    summary.sessions_created += 1
    return session


def _record_attendance(session, *, by, rng, summary):
    """The sheet of the day, recorded that evening: chairs nearly always came."""
    marks = {}
    for member in services.sheet_members(session).order_by("group_id", "pk"):
        chance = 0.95 if member.role == "ketua" else 0.82
        marks[member.pk] = rng.random() < chance
    with clock(_at(session.start_date, 17, 10)):
        try:
            services.attendance_record(session=session, marks=marks, by=by)
        except DomainError as error:
            summary.problems.append(f"{session.title}: {error}")


def _followed_groups():
    funded = Grant.objects.exclude(status=GrantStatus.CANCELLED).values("group_id")
    return (
        BusinessGroup.objects.filter(status=GroupStatus.ELIGIBLE)
        | BusinessGroup.objects.filter(pk__in=funded)
    ).order_by("regency_id", "registration_number")


def _working_day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
    while day.weekday() >= 5:  # not on a weekend
        day -= datetime.timedelta(days=1)
    return max(day, first)


def _visits(officers, *, rng, summary):
    """Per group: 70 % visited in the last four months (some twice), 15 % only before,
    15 % never; a follow-up date on most visits, a photo on some field visits."""
    recent_from = datetime.date(2026, 8, 3)
    for group in _followed_groups():
        officer = officers.get(group.regency_id)
        if officer is None:
            continue
        roll = rng.random()
        days = []
        if roll < 0.15:
            continue
        if roll < 0.30:
            days.append(_working_day(rng, datetime.date(2026, 3, 2), datetime.date(2026, 7, 17)))
        else:
            first = _working_day(rng, recent_from, datetime.date(2026, 10, 16))
            days.append(first)
            if rng.random() < 0.35:
                later = first + datetime.timedelta(days=rng.randint(20, 40))
                days.append(_working_day(rng, min(later, STORY_END), STORY_END))
        for day in sorted(set(days)):
            _visit(group, officer, day, rng=rng, summary=summary)


def _visit(group, officer, day, *, rng, summary):
    kind = rng.choices([k for k, _ in KIND_WEIGHTS], weights=[w for _, w in KIND_WEIGHTS])[0]
    if kind == VisitKind.VISIT:
        findings = rng.choice(FINDINGS.get(group.sector) or FINDINGS[Sector.OTHER])
    elif kind == VisitKind.PHONE:
        findings = rng.choice(PHONE_FINDINGS)
    else:
        findings = rng.choice(MEETING_FINDINGS)
    follow_up = None
    if rng.random() < 0.6:
        follow_up = day + datetime.timedelta(days=rng.choice([14, 21, 30, 45]))
    photos = []
    if kind == VisitKind.VISIT and rng.random() < 0.3:
        photos.append(_photo(group, day, rng))
    with clock(_at(day, rng.randint(9, 15), rng.randrange(60))):
        try:
            services.visit_log(
                group=group,
                by=officer,
                visited_on=day,
                kind=kind,
                findings=findings,
                advice=rng.choice(ADVICE),
                follow_up_due=follow_up,
                photos=photos,
            )
        except DomainError as error:
            summary.problems.append(f"{group.name}: {error}")
            return
    summary.visits_created += 1
    summary.photos += len(photos)


def _photo(group, day, rng) -> SimpleUploadedFile:
    """A small drawn picture standing in for the officer's photo (a PNG of a few kB)."""
    sky = (rng.randint(150, 200), rng.randint(190, 225), rng.randint(220, 245))
    ground = (rng.randint(90, 140), rng.randint(120, 160), rng.randint(60, 90))
    image = Image.new("RGB", (320, 240), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 150, 320, 240], fill=ground)
    draw.rectangle([90, 90, 230, 170], fill=(196, 150, 102), outline=(90, 60, 40), width=3)
    draw.polygon([(80, 95), (160, 45), (240, 95)], fill=(150, 60, 50))
    draw.rectangle([145, 120, 175, 170], fill=(90, 60, 40))
    draw.text((8, 8), f"{group.name[:40]}\n{day:%d-%m-%Y}", fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(
        f"kunjungan-{day:%Y%m%d}-{group.pk}.png", buffer.getvalue(), content_type="image/png"
    )
