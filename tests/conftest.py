"""Persona users, one per role, and the Kalimantan Timur regions they work in."""

import pytest

from accounts.roles import Role
from regions.models import Regency
from regions.services import regions_load
from tests.factories import RegencyOfficerFactory, UserFactory

PASSWORD = "sandi-uji-123"


@pytest.fixture
def kaltim(db):
    """Kalimantan Timur (64) with its ten regencies and cities and their districts."""
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
