"""Persona users, one per role, and the Kalimantan Timur regions they work in."""

import os
import threading

import pytest
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from accounts.roles import Role
from regions.models import Regency
from regions.services import regions_load
from tests.factories import RegencyOfficerFactory, UserFactory

PASSWORD = "sandi-uji-123"


@receiver(post_migrate, dispatch_uid="tests.kaltim_regions")
def _kaltim_regions(sender, using, **kwargs):
    """The Kaltim regions are reference data of every test database, loaded once when it is
    created (after its migrations) instead of in every test that needs them, and again after
    each transactional test, whose flush empties every table and then sends post_migrate
    (as it does for content types). A test's own changes to them are rolled back with it."""
    if sender.label == "regions" and using == "default":
        regions_load(province_code="64")


@pytest.fixture
def kaltim(db):
    """Kalimantan Timur (64): its ten regencies and cities, their districts and villages
    (in the test database already; loaded here only if a test removed them)."""
    if not Regency.objects.filter(pk="64.01").exists():
        regions_load(province_code="64")


@pytest.fixture
def paser(kaltim):
    return Regency.objects.get(code="64.01")


@pytest.fixture
def berau(kaltim):
    return Regency.objects.get(code="64.03")


@pytest.fixture
def province_staff(db):
    """Rina, province staff: registers and verifies groups across the province."""
    return UserFactory(username="rina", first_name="Rina", role=Role.PROVINCE_STAFF)


@pytest.fixture
def approver(db):
    """Hendra, approver: decides tranche withdrawals."""
    return UserFactory(username="hendra", first_name="Hendra", role=Role.APPROVER)


@pytest.fixture
def paser_officer(paser):
    """Siti, regency officer of Kabupaten Paser."""
    return RegencyOfficerFactory(username="siti", first_name="Siti", regency=paser)


@pytest.fixture
def berau_officer(berau):
    """Agus, regency officer of Kabupaten Berau: must never see Paser's data."""
    return RegencyOfficerFactory(username="agus", first_name="Agus", regency=berau)


@pytest.fixture
def paser_head(paser):
    """Bambang, head of the Paser regency office: reviews the officers' reports."""
    return UserFactory(
        username="bambang", first_name="Bambang", role=Role.REGENCY_HEAD, regency=paser
    )


@pytest.fixture
def everyone(personas, paser_head):
    """Every persona, the head of the Paser office included: for the rule contracts."""
    return {**personas, "paser_head": paser_head}


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", role="", is_staff=True, is_superuser=True)


@pytest.fixture
def personas(province_staff, approver, paser_officer, berau_officer):
    return {
        "province_staff": province_staff,
        "approver": approver,
        "paser_officer": paser_officer,
        "berau_officer": berau_officer,
    }


@pytest.fixture
def postgres(db):
    """Concurrency tests need PostgreSQL's row locks and real parallel transactions.

    Skipped on SQLite unless REQUIRE_POSTGRES_TESTS=1 (as in CI), where that is a failure.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "needs PostgreSQL (set DATABASE_URL)"
        if os.environ.get("REQUIRE_POSTGRES_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def run_concurrently(func, arguments):
    """Run func(arg) in one thread per argument, all released at once; return results
    (or the exception each raised), in argument order."""
    barrier = threading.Barrier(len(arguments))
    results = [None] * len(arguments)

    def worker(index, argument):
        from django.db import connection

        try:
            barrier.wait()
            results[index] = func(argument)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
