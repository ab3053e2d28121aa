"""Officials who sign: a position (jabatan) and an 18-digit NIP checked by its structure
(birth date, appointment year and month, sex digit, serial); the admin refuses a bad NIP,
documents print name, position and NIP, and nobody without them signs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.validators import format_nip, nip_errors, validate_nip
from grants import services
from letters.rules import signatory
from tests.contract import assert_contract
from tests.factories import UserFactory
from tests.grants.money import open_program, transferred_grant

TODAY = datetime.date(2026, 11, 26)
GOOD = "198001012005031001"


def test_a_good_nip_passes_spaced_or_not():
    assert nip_errors(GOOD, today=TODAY) == []
    assert nip_errors("19800101 200503 1 001", today=TODAY) == []
    assert nip_errors("19800101-200503-2-117", today=TODAY) == []
    assert format_nip(GOOD) == "19800101 200503 1 001"


@pytest.mark.parametrize(
    ("nip", "expected"),
    [
        ("19800101200503100", "A NIP has 18 digits"),
        ("19800101200503100A", "A NIP has 18 digits"),
        ("198002302005031001", "not a birth date"),
        ("198001012005131001", "not an appointment year and month"),
        ("198001012027011001", "in the future"),
        ("198001011995031001", "before the age of 18"),
        ("198001012005033001", "Digit 15 of the NIP is the sex"),
        ("198001012005031000", "cannot be 000"),
    ],
)
def test_each_part_of_the_structure_is_checked(nip, expected):
    with translation.override("en"):
        errors = nip_errors(nip, today=TODAY)
    assert any(expected in error for error in errors), errors


@pytest.mark.django_db
def test_the_model_refuses_a_bad_nip_and_stores_the_digits(province_staff):
    province_staff.nip = "19800101 200503 1 001"
    province_staff.full_clean()
    assert province_staff.nip == GOOD
    province_staff.nip = "198001012005033001"
    with pytest.raises(ValidationError) as error:
        province_staff.full_clean()
    assert "nip" in error.value.message_dict
    with pytest.raises(ValidationError):
        validate_nip("1980")


@pytest.mark.django_db
def test_the_database_refuses_a_nip_that_is_not_18_digits_or_taken_twice(province_staff):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=province_staff.pk).update(nip="1980-01")
    UserFactory(username="satu", nip=GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="dua", nip=GOOD)
    UserFactory(username="tiga", nip="")  # no NIP: not an official, any number of them
    UserFactory(username="empat", nip="")


@pytest.mark.django_db
def test_the_admin_refuses_a_bad_nip_in_indonesian(client, superuser, approver):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[approver.pk])
    data = {
        "username": approver.username,
        "first_name": "Hendra",
        "last_name": "Saputra",
        "email": approver.email,
        "role": approver.role,
        "is_active": "on",
        "position": "Kepala Dinas Sosial Provinsi Kalimantan Timur",
        "nip": "19800101 200503 3 001",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Angka ke-15 NIP adalah jenis kelamin" in response.content.decode()

    data["nip"] = "19800101 200503 1 001"
    assert client.post(url, data).status_code == 302
    approver.refresh_from_db()
    assert (approver.nip, approver.position) == (GOOD, data["position"])


@pytest.mark.django_db
def test_only_an_official_with_position_and_nip_signs(province_staff):
    assert signatory(province_staff)
    province_staff.nip = ""
    refused = signatory(province_staff)
    assert not refused and "NIP" in refused.reason
    province_staff.nip, province_staff.position, province_staff.is_active = GOOD, "", True
    assert not signatory(province_staff)


@pytest.mark.django_db
def test_an_approver_without_a_nip_is_not_offered_the_approval(
    client, kaltim, province_staff, paser_officer, approver
):
    grant = transferred_grant(open_program(), province_staff)
    tranche = services.tranche_request(
        grant=grant, amount=5_000_000, purpose="Bahan baku", by=paser_officer
    )
    User.objects.filter(pk=approver.pk).update(nip="")
    approver.refresh_from_db()
    assert not assert_contract(
        client,
        approver,
        page_url=reverse("grants:tranche_queue"),
        action_url=reverse("grants:tranche_approve", args=[tranche.pk]),
        attempt=lambda: services.tranche_approve(tranche=tranche, by=approver),
    )
    page = client.get(reverse("grants:tranche_queue")).content.decode()
    assert "belum dapat menandatangani" in page
    # Rejecting issues no document: still offered.
    assert assert_contract(
        client,
        approver,
        page_url=reverse("grants:tranche_queue"),
        action_url=reverse("grants:tranche_reject", args=[tranche.pk]),
        attempt=lambda: services.tranche_reject(tranche=tranche, by=approver, reason="Kurang"),
    )
    assert timezone.localdate()  # the clock is the real one here
