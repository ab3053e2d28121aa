"""The "Menunggu Anda" lines from the group registry ask the group rules."""

import pytest

from core.waiting import waiting_for
from groups.models import GroupStatus
from tests.factories import BusinessGroupFactory, MemberFactory, group_with_members

VERIFY = "Kelompok menunggu verifikasi"
ELIGIBLE = "Kelompok terverifikasi menunggu penetapan layak"
COMPLETE = "Usulan kelompok yang perlu dilengkapi (anggota atau rekening)"


def lines(user):
    return {line.label: line.count for line in waiting_for(user)}


@pytest.mark.django_db
class TestGroupLines:
    def test_the_officer_completes_the_proposed_groups_that_cannot_be_verified_yet(
        self, paser_officer, kaltim
    ):
        group_with_members(5)  # ready for verification
        group_with_members(5, account_holder="Pak Budi")  # account in another name
        short = BusinessGroupFactory()  # one member only
        MemberFactory(group=short, role="ketua")
        group_with_members(3, status=GroupStatus.VERIFIED)  # not the officer's to edit now
        group_with_members(3, regency_id="64.03")  # another regency
        assert lines(paser_officer)[COMPLETE] == 2

    def test_province_staff_see_groups_to_verify_and_to_declare_eligible(
        self, province_staff, kaltim
    ):
        group_with_members(5)
        group_with_members(5, regency_id="64.03")
        group_with_members(5, status=GroupStatus.VERIFIED)
        found = lines(province_staff)
        assert found[VERIFY] == 2
        assert found[ELIGIBLE] == 1

    @pytest.mark.parametrize("persona", ["approver", "paser_officer"])
    def test_who_may_not_decide_gets_no_decision_line(self, personas, persona, kaltim):
        group_with_members(5)
        found = lines(personas[persona])
        assert VERIFY not in found


@pytest.mark.django_db
def test_the_officers_line_reads_members_and_documents_in_one_query_each(paser_officer, kaltim):
    """Households (No. KK), deciles and the required documents are read with the groups'
    members and documents, not again for each member or group: as many queries for one
    proposed group as for five."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groups import waiting
    from tests.factories import ProgramFactory

    ProgramFactory(required_documents=["proposal"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            line = waiting.groups_to_complete(paser_officer)
        return len(captured.captured_queries), line[0].count

    group_with_members(5)
    one = queries()
    for _ in range(4):
        group_with_members(5)
    five = queries()
    assert (one[1], five[1]) == (1, 5)  # the proposal is missing in each
    assert one[0] == five[0] == 4  # criteria, groups, their members, their documents
