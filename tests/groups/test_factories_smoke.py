import pytest

from core.indonesia import check_nik
from tests.factories import group_with_members


@pytest.mark.django_db
def test_factory_group_has_valid_members_in_its_regency(kaltim):
    group = group_with_members(5)
    members = list(group.members.all())
    assert len(members) == 5
    for member in members:
        check = check_nik(member.nik)
        assert check.valid, check.errors
        assert check.regency_code == "64.01"
        assert check.birth_date == member.birth_date
