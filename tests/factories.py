import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import Role
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
    password = factory.PostGenerationMethodCall("set_password", "sandi-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegencyOfficerFactory(UserFactory):
    role = Role.REGENCY_OFFICER
    regency = factory.LazyFunction(lambda: Regency.objects.get(code="64.01"))


def synthetic_nik(*, district_code: str, birth_date, sex: str, serial: int) -> str:
    """A NIK that passes every structural check and encodes the given district and birth."""
    day = birth_date.day + (40 if sex == "P" else 0)
    digits = district_code.replace(".", "")
    return f"{digits}{day:02d}{birth_date:%m%y}{serial:04d}"


class BusinessGroupFactory(DjangoModelFactory):
    """A proposed group in Kabupaten Paser (Tanah Grogot) with a bank account in its name."""

    class Meta:
        model = "groups.BusinessGroup"

    registration_number = factory.Sequence(lambda n: f"64.01-2026-{n + 1:04d}")
    name = factory.Sequence(lambda n: f"KUBE Sejahtera {n + 1}")
    sector = "food"
    regency_id = "64.01"
    district_id = factory.LazyAttribute(lambda g: f"{g.regency_id}.01")
    village_name = "Tanah Grogot"
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
    kk_number = factory.LazyAttribute(lambda m: m.nik[:6] + "1203240001")
    full_name = factory.Faker("name", locale="id_ID")
    role = "anggota"


def group_with_members(count=5, **group_fields):
    """A group with `count` active members, the first of them its ketua."""
    group = BusinessGroupFactory(**group_fields)
    MemberFactory(group=group, role="ketua")
    MemberFactory.create_batch(count - 1, group=group)
    return group
