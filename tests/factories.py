import datetime
import functools
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
from core.indonesia import villages_in
from regions.models import Regency


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@dinsos.example")
    role = Role.PROVINCE_STAFF
    # Every test user is an official who can sign: position and a valid, unique NIP.
    position = "Analis Kebijakan Ahli Muda"
    nip = factory.Sequence(
        lambda n: f"{1970 + n % 25}{n % 12 + 1:02d}{n % 28 + 1:02d}2005031{n % 999 + 1:03d}"
    )
    password = factory.PostGenerationMethodCall("set_password", "sandi-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegencyOfficerFactory(UserFactory):
    role = Role.REGENCY_OFFICER
    regency = factory.LazyFunction(lambda: Regency.objects.get(code="64.01"))


@functools.cache
def first_village(district_code: str) -> str:
    """The Kemendagri code of the district's first village (from the data load_regions
    loads, without a query)."""
    return villages_in(district_code)[0].code


def synthetic_nik(*, district_code: str, birth_date, sex: str, serial: int) -> str:
    """A NIK that passes every structural check and encodes the given district and birth."""
    day = birth_date.day + (40 if sex == "P" else 0)
    digits = district_code.replace(".", "")
    return f"{digits}{day:02d}{birth_date:%m%y}{serial:04d}"


class BusinessGroupFactory(DjangoModelFactory):
    """A proposed group in Kabupaten Paser (Batu Sopang, Samurangau) with a bank account in
    its name."""

    class Meta:
        model = "groups.BusinessGroup"

    registration_number = factory.Sequence(lambda n: f"64.01-2026-{n + 1:04d}")
    name = factory.Sequence(lambda n: f"KUBE Sejahtera {n + 1}")
    sector = "food"
    regency_id = "64.01"
    district_id = factory.LazyAttribute(lambda g: f"{g.regency_id}.01")
    village_id = factory.LazyAttribute(lambda g: first_village(g.district_id))
    address = "Jl. Jenderal Sudirman No. 12"
    phone = "081234567890"
    date_formed = datetime.date(2024, 3, 1)
    bank_name = "Bankaltimtara"
    account_number = factory.Sequence(lambda n: f"0011{n:08d}")
    account_holder = factory.SelfAttribute("name")
    created_by = factory.LazyFunction(lambda: UserFactory(username="pendaftar"))


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = "groups.Member"

    group = factory.SubFactory(BusinessGroupFactory)
    sex = "L"
    birth_date = datetime.date(1985, 7, 14)
    nik = factory.LazyAttributeSequence(
        lambda m, n: synthetic_nik(
            district_code=m.group.district_id, birth_date=m.birth_date, sex=m.sex, serial=n + 1
        )
    )
    # Each member from a household of their own (a KUBE needs five), from the poorest deciles.
    kk_number = factory.LazyAttributeSequence(lambda m, n: f"{m.nik[:6]}120324{n % 9999 + 1:04d}")
    decile = 2
    full_name = factory.Faker("name", locale="id_ID")
    role = "anggota"


def group_with_members(count=5, **group_fields):
    """A group with `count` active members, the first of them its ketua."""
    group = BusinessGroupFactory(**group_fields)
    MemberFactory(group=group, role="ketua")
    MemberFactory.create_batch(count - 1, group=group)
    return group


# Grants. These factories write rows directly: the running totals the services keep
# (Program.awarded_amount, ProgramQuota.awarded_count, Grant.committed_amount) are not
# updated. Build through grants/services.py where a test depends on those totals.


class ProgramFactory(DjangoModelFactory):
    """An open programme of Rp20.000.000 per group, 175 groups' worth of budget."""

    class Meta:
        model = "grants.Program"

    name = factory.Sequence(lambda n: f"Bantuan Modal Usaha KUBE {n + 1}")
    fiscal_year = 2026
    total_budget = 175 * 20_000_000
    default_amount = 20_000_000
    status = "open"


class ProgramQuotaFactory(DjangoModelFactory):
    class Meta:
        model = "grants.ProgramQuota"

    program = factory.SubFactory(ProgramFactory)
    regency_id = "64.01"
    group_count = 35


class GrantFactory(DjangoModelFactory):
    """A grant awarded to an eligible group in Kabupaten Paser."""

    class Meta:
        model = "grants.Grant"

    program = factory.SubFactory(ProgramFactory)
    group = factory.SubFactory(BusinessGroupFactory, status="eligible")
    amount = 20_000_000
    awarded_on = datetime.date(2026, 2, 2)
    awarded_by = factory.LazyFunction(lambda: UserFactory(username="pemberi"))


class LetterFactory(DjangoModelFactory):
    """An entry of the outgoing-letter register (the services number real documents)."""

    class Meta:
        model = "letters.Letter"

    kind = "tranche_letter"
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"400.9.5/{o.sequence:04d}/UJI-{o.kind}/{o.year}")
    issued_on = datetime.date(2026, 2, 16)
    subject = "Dokumen uji"
    issued_by = factory.LazyFunction(lambda: UserFactory(username="pencatat"))


class TrancheFactory(DjangoModelFactory):
    """The first tranche of a transferred grant, waiting for a decision (an approved or
    withdrawn one gets its approval letter's register entry)."""

    class Meta:
        model = "grants.Tranche"

    class Params:
        has_letter = factory.LazyAttribute(lambda t: t.status in ("approved", "withdrawn"))

    grant = factory.SubFactory(
        GrantFactory,
        status="transferred",
        transferred_on=datetime.date(2026, 2, 9),
        transfer_reference="TRF-0001",
    )
    sequence = 1
    amount = 10_000_000
    status = "requested"
    purpose = "Pembelian bahan baku"
    request_token = factory.LazyFunction(uuid.uuid4)
    requested_by = factory.LazyFunction(lambda: RegencyOfficerFactory(username="peminta"))
    requested_at = factory.LazyFunction(timezone.now)
    letter = factory.Maybe("has_letter", factory.SubFactory(LetterFactory), None)


# Training and mentoring.


class TrainingSessionFactory(DjangoModelFactory):
    """A one-day training in Kabupaten Paser a week ago; `groups=[...]` invites groups."""

    class Meta:
        model = "training.TrainingSession"
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    regency_id = "64.01"
    title = factory.Sequence(lambda n: f"Pelatihan Kewirausahaan KUBE {n + 1}")
    topic = "Pengelolaan usaha, pembukuan kas dan tata cara pencairan dana hibah"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    end_date = factory.SelfAttribute("start_date")
    venue = "Gedung Perempuan Berjaya, Paser"
    facilitator = "Dra. Hj. Nurlaila, M.Si."
    created_by = factory.LazyFunction(lambda: UserFactory(username="penyelenggara"))

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            from training.models import TrainingInvitation

            for group in extracted:
                TrainingInvitation.objects.create(
                    session=obj, group=group, invited_by=obj.created_by
                )


class MentoringVisitFactory(DjangoModelFactory):
    """A field visit ten days ago to an eligible group in Kabupaten Paser."""

    class Meta:
        model = "training.MentoringVisit"

    group = factory.SubFactory(BusinessGroupFactory, status="eligible")
    officer = factory.LazyFunction(lambda: RegencyOfficerFactory(username="pendamping"))
    visited_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    kind = "visit"
    findings = "Usaha amplang berjalan; buku kas belum diisi sejak bulan lalu."
    advice = "Catat setiap pemasukan dan pengeluaran pada hari yang sama."
