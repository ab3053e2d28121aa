"""Two people saving at the same moment, on PostgreSQL with real threads."""

import datetime

import pytest

from core.errors import DomainError
from groups import services
from groups.models import BusinessGroup, Member
from tests.conftest import run_concurrently
from tests.factories import synthetic_nik

pytestmark = pytest.mark.django_db(transaction=True)

SHARED_NIK = synthetic_nik(
    district_code="64.01.01", birth_date=datetime.date(1980, 1, 1), sex="L", serial=9999
)


def register(by, name, niks):
    group = BusinessGroup(
        name=name,
        sector="food",
        regency_id="64.01",
        district_id="64.01.01",
        village_id="64.01.01.2009",
        address="Jl. Poros",
        date_formed=datetime.date(2024, 1, 1),
    )
    members = [
        Member(
            nik=nik,
            kk_number="6401011203240001",
            full_name=f"Anggota {i}",
            sex="L",
            birth_date=datetime.date(1980, 1, 1),
            role="ketua" if i == 0 else "anggota",
        )
        for i, nik in enumerate(niks)
    ]
    return services.group_register(group=group, members=members, by=by)


def test_one_nik_saved_twice_at_once_joins_one_group_only(postgres, province_staff, kaltim):
    for attempt in range(5):
        names = [f"KUBE A{attempt}", f"KUBE B{attempt}"]
        results = run_concurrently(lambda name: register(province_staff, name, [SHARED_NIK]), names)
        saved = [r for r in results if isinstance(r, BusinessGroup)]
        refused = [r for r in results if isinstance(r, DomainError)]
        assert len(saved) == 1 and len(refused) == 1, results
        assert saved[0].name in str(refused[0])  # the message names the other group
        assert Member.objects.filter(nik=SHARED_NIK, active=True).count() == 1
        Member.objects.filter(nik=SHARED_NIK).update(active=False)


def test_registration_numbers_stay_unique_under_concurrent_registrations(
    postgres, province_staff, kaltim
):
    niks = [
        [
            synthetic_nik(
                district_code="64.01.01",
                birth_date=datetime.date(1980, 1, 1),
                sex="L",
                serial=100 * t + 1,
            )
        ]
        for t in range(8)
    ]
    results = run_concurrently(lambda n: register(province_staff, f"KUBE {n[0]}", n), niks)
    assert all(isinstance(r, BusinessGroup) for r in results), results
    numbers = sorted(r.registration_number for r in results)
    year = datetime.date.today().year
    assert numbers == [f"64.01-{year}-{n:04d}" for n in range(1, 9)]
