"""NIK rules: 16 digits PP RR DD DDMMYY SSSS, +40 on the day for women."""

import datetime

import pytest

from core.indonesia import check_nik
from groups.forms import MemberForm


@pytest.mark.parametrize(
    ("nik", "birth", "sex"),
    [
        ("6401041407850003", datetime.date(1985, 7, 14), "L"),
        ("6401045407850003", datetime.date(1985, 7, 14), "P"),  # woman: 14 + 40
        ("6401046902000001", datetime.date(2000, 2, 29), "P"),  # 29 Feb 2000 (leap), +40
        ("6401042902000001", datetime.date(2000, 2, 29), "L"),
    ],
)
def test_valid_nik_encodes_birth_date_and_sex(nik, birth, sex):
    check = check_nik(nik)
    assert check.valid, check.errors
    assert (check.birth_date, check.sex, check.regency_code) == (birth, sex, "64.01")


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("640104140785000", "16 digit"),  # 15 digits
        ("64010414078500031", "16 digit"),
        ("64O1041407850003", "16 digit"),  # a letter O
        ("6401042902010001", "Tanggal lahir"),  # 29 Feb 2001 does not exist
        ("6401043207850003", "Tanggal lahir"),  # day 32
        ("6401047207850003", "Tanggal lahir"),  # day 72 (32 + 40)
        ("6401040007850003", "Tanggal lahir"),  # day 00
        ("6401041413850003", "Tanggal lahir"),  # month 13
        ("6401041407850000", "0000"),  # serial 0000
        ("9901041407850003", "provinsi"),  # no province 99
    ],
)
def test_invalid_nik_is_refused_with_an_indonesian_reason(nik, reason):
    check = check_nik(nik)
    assert not check.valid
    assert reason in " ".join(check.errors)


def test_separators_are_ignored():
    assert check_nik("6401 0414 0785 0003").nik == "6401041407850003"


def member_data(**overrides):
    data = {
        "nik": "6401041407850003",
        "kk_number": "6401041203240001",
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_date": "1985-07-14",
        "role": "ketua",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_member_form_shows_the_nik_error_in_indonesian(kaltim):
    form = MemberForm(data=member_data(nik="6401041407850000"))
    assert not form.is_valid()
    assert form.errors["nik"] == ["Nomor urut NIK tidak boleh 0000."]


@pytest.mark.django_db
def test_member_form_refuses_a_short_family_card_number(kaltim):
    form = MemberForm(data=member_data(kk_number="64010412"))
    assert not form.is_valid()
    assert "16 digit" in form.errors["kk_number"][0]
