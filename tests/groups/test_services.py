import datetime

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError, NotAllowed
from groups import rules, services
from groups.models import BusinessGroup, GroupStatus, Member, RegistrationCounter
from groups.rules import Criteria, nik_warnings
from tests.factories import (
    BusinessGroupFactory,
    MemberFactory,
    first_village,
    group_with_members,
    synthetic_nik,
)


def new_group(regency="64.01", **fields):
    return BusinessGroup(
        name=fields.pop("name", "KUBE Mekar Sari"),
        sector="food",
        regency_id=regency,
        district_id=f"{regency}.01",
        village_id=first_village(f"{regency}.01"),
        address="Jl. Poros",
        date_formed=datetime.date(2024, 1, 10),
        bank_name="Bankaltimtara",
        account_number="0011",
        account_holder="KUBE Mekar Sari",
        **fields,
    )


def new_members(count, district="64.01.01", start=1):
    return [
        Member(
            nik=synthetic_nik(
                district_code=district,
                birth_date=datetime.date(1980, 1, 1),
                sex="L",
                serial=start + i,
            ),
            kk_number="6401011203240001",
            full_name=f"Anggota {i}",
            sex="L",
            birth_date=datetime.date(1980, 1, 1),
            role="ketua" if i == 0 else "anggota",
        )
        for i in range(count)
    ]


@pytest.mark.django_db
class TestRegister:
    def test_officer_registers_in_own_regency_with_a_sequential_number(self, paser_officer):
        first = services.group_register(group=new_group(), members=new_members(5), by=paser_officer)
        second = services.group_register(
            group=new_group(name="KUBE Dua"), members=new_members(5, start=10), by=paser_officer
        )
        year = datetime.date.today().year
        assert first.registration_number == f"64.01-{year}-0001"
        assert second.registration_number == f"64.01-{year}-0002"
        assert first.status == GroupStatus.PROPOSED
        assert first.members.count() == 5

    def test_officer_cannot_register_in_another_regency(self, berau_officer):
        with pytest.raises(NotAllowed):
            services.group_register(group=new_group(), members=new_members(5), by=berau_officer)
        assert not BusinessGroup.objects.exists()

    def test_approver_cannot_register(self, approver, kaltim):
        with pytest.raises(NotAllowed):
            services.group_register(group=new_group(), members=[], by=approver)

    def test_nik_in_another_active_group_is_refused_naming_it(self, province_staff, berau):
        other = group_with_members(5, name="KUBE Lama", regency_id="64.03")
        taken = other.members.first().nik
        members = new_members(4)
        members.append(
            Member(
                nik=taken,
                kk_number="6403011203240001",
                full_name="Dobel",
                sex="L",
                birth_date=datetime.date(1985, 7, 14),
            )
        )
        with pytest.raises(DomainError) as excinfo:
            services.group_register(group=new_group(), members=members, by=province_staff)
        assert "KUBE Lama" in str(excinfo.value) and "Kabupaten Berau" in str(excinfo.value)
        assert BusinessGroup.objects.count() == 1

    def test_database_refuses_a_second_active_membership(self, kaltim):
        member = MemberFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            MemberFactory(nik=member.nik, group=BusinessGroupFactory())

    def test_database_refuses_a_second_ketua(self, kaltim):
        group = group_with_members(5)
        with pytest.raises(IntegrityError), transaction.atomic():
            MemberFactory(group=group, role="ketua")

    def test_a_freed_nik_may_join_another_group(self, province_staff, kaltim):
        old = group_with_members(5)
        services.group_reject(group=old, by=province_staff, reason="Duplikat")
        MemberFactory(nik=old.members.first().nik, group=BusinessGroupFactory())


@pytest.mark.django_db
class TestRegistrationNumbers:
    def test_reserved_numbers_are_consecutive_per_regency_and_year(self, kaltim):
        assert not RegistrationCounter.objects.exists()  # the counter row is created
        first = services.reserve_registration_numbers(regency_id="64.01", year=2026, count=3)
        single = services.next_registration_number(regency_id="64.01", year=2026)
        then = services.reserve_registration_numbers(regency_id="64.01", year=2026, count=2)
        other = services.reserve_registration_numbers(regency_id="64.03", year=2026, count=2)
        assert first == ["64.01-2026-0001", "64.01-2026-0002", "64.01-2026-0003"]
        assert single == "64.01-2026-0004"
        assert then == ["64.01-2026-0005", "64.01-2026-0006"]
        assert other == ["64.03-2026-0001", "64.03-2026-0002"]
        assert services.reserve_registration_numbers(regency_id="64.01", year=2026, count=0) == []
        counter = RegistrationCounter.objects.get(regency_id="64.01", year=2026)
        assert counter.last_number == 6


@pytest.mark.django_db
class TestTransitions:
    def test_verify_eligible_and_deactivate(self, province_staff, kaltim):
        group = group_with_members(5)
        services.group_verify(group=group, by=province_staff)
        services.group_mark_eligible(group=group, by=province_staff)
        services.group_deactivate(group=group, by=province_staff, reason="Usaha berhenti")
        group.refresh_from_db()
        assert group.status == GroupStatus.INACTIVE
        assert group.status_reason == "Usaha berhenti"
        assert group.status_changed_by == province_staff
        assert not group.members.filter(active=True).exists()
        reasons = list(group.history.values_list("history_change_reason", flat=True))
        assert reasons[:3] == ["deactivated", "declared_eligible", "verified"]

    def test_verify_refuses_too_few_members_and_no_ketua(self, province_staff, kaltim):
        group = BusinessGroupFactory()
        MemberFactory.create_batch(4, group=group)
        with pytest.raises(DomainError) as excinfo:
            services.group_verify(group=group, by=province_staff)
        # Every problem, in the one reason rules.may_verify answers with.
        assert "4 anggota aktif" in str(excinfo.value)
        assert "rumah tangga" in str(excinfo.value) or "No. KK" in str(excinfo.value)
        assert "0 ketua" in str(excinfo.value)
        group.refresh_from_db()
        assert group.status == GroupStatus.PROPOSED

    def test_verify_refuses_an_account_in_another_name(self, province_staff, kaltim):
        group = group_with_members(5, account_holder="Pak Budi")
        with pytest.raises(DomainError, match="Pak Budi"):
            services.group_verify(group=group, by=province_staff)

    def test_verify_respects_custom_bounds(self, province_staff, kaltim):
        group = group_with_members(6)
        with pytest.raises(DomainError):
            services.group_verify(
                group=group, by=province_staff, criteria=Criteria(min_members=10, max_members=20)
            )

    @pytest.mark.parametrize("persona", ["paser_officer", "approver"])
    def test_only_province_staff_verify(self, personas, persona):
        group = group_with_members(5)
        with pytest.raises(NotAllowed):
            services.group_verify(group=group, by=personas[persona])

    def test_reject_needs_a_reason(self, province_staff, kaltim):
        group = group_with_members(5)
        with pytest.raises(DomainError):
            services.group_reject(group=group, by=province_staff, reason="  ")
        group.refresh_from_db()
        assert group.status == GroupStatus.PROPOSED

    def test_a_wrong_move_is_refused(self, province_staff, kaltim):
        group = group_with_members(5)
        with pytest.raises(DomainError, match="Diusulkan"):
            services.group_mark_eligible(group=group, by=province_staff)
        with pytest.raises(DomainError):
            services.group_deactivate(group=group, by=province_staff, reason="x")

    def test_officer_edits_only_while_proposed(self, paser_officer, province_staff, kaltim):
        group = group_with_members(5)
        assert rules.may_edit(group, paser_officer)
        group = services.group_verify(group=group, by=province_staff)
        assert not rules.may_edit(group, paser_officer)
        assert rules.may_edit(group, province_staff)

    def test_a_group_with_a_grant_stays_in_its_regency(self, province_staff, kaltim):
        from grants import services as grant_services
        from tests.grants.money import eligible_group, open_program

        funded, unfunded = eligible_group(), eligible_group()
        grant_services.grant_award(program=open_program(), group=funded, by=province_staff)
        for group in (funded, unfunded):
            group.regency_id, group.district_id = "64.03", "64.03.01"
            group.village_id = first_village("64.03.01")
        with pytest.raises(DomainError, match="tetap di kabupaten"):
            services.group_update(group=funded, members=[], by=province_staff)
        assert BusinessGroup.objects.get(pk=funded.pk).regency_id == "64.01"
        services.group_update(group=unfunded, members=[], by=province_staff)
        assert BusinessGroup.objects.get(pk=unfunded.pk).regency_id == "64.03"


@pytest.mark.django_db
class TestNikWarnings:
    def test_nik_from_another_regency_is_a_warning(self, kaltim):
        member = MemberFactory.build(
            nik=synthetic_nik(
                district_code="64.03.01", birth_date=datetime.date(1985, 7, 14), sex="L", serial=1
            ),
            birth_date=datetime.date(1985, 7, 14),
            sex="L",
        )
        warnings = nik_warnings(member, regency_code="64.01")
        assert len(warnings) == 1 and "64.03" in warnings[0]

    def test_birth_date_and_sex_differences_are_warnings(self, kaltim):
        member = MemberFactory.build(
            nik="6401041407850003", birth_date=datetime.date(1985, 7, 15), sex="P"
        )
        assert len(nik_warnings(member, regency_code="64.01")) == 2


@pytest.mark.django_db
class TestMemberHistory:
    """Every member change has its history row: who, when and why."""

    def test_a_rejection_records_each_member_switched_off(self, province_staff, kaltim):
        group = group_with_members(5)
        services.group_reject(group=group, by=province_staff, reason="Duplikat")
        records = Member.history.filter(group_id=group.pk, history_change_reason="rejected")
        assert sorted(records.values_list("id", flat=True)) == sorted(
            group.members.values_list("pk", flat=True)
        )
        assert {(r.active, r.history_type, r.history_user_id) for r in records} == {
            (False, "~", province_staff.pk)
        }

    def test_a_deactivation_records_each_member_switched_off(self, province_staff, kaltim):
        group = group_with_members(5, status=GroupStatus.ELIGIBLE)
        services.group_deactivate(group=group, by=province_staff, reason="Usaha berhenti")
        records = Member.history.filter(group_id=group.pk, history_change_reason="deactivated")
        assert records.count() == 5
        assert {(r.active, r.history_user_id) for r in records} == {(False, province_staff.pk)}

    def test_the_group_page_shows_the_members_leaving(self, client, province_staff, kaltim):
        group = group_with_members(2)
        services.group_reject(group=group, by=province_staff, reason="Duplikat")
        client.force_login(province_staff)
        history = client.get(group.get_absolute_url()).context["history"]
        leaving = [e for e in history if e.action == "Ditolak" and e.subject != group.name]
        assert len(leaving) == 2
        assert all(e.changes == [("aktif", "True", "False")] for e in leaving)

    def test_registration_and_edits_name_who_made_them(self, paser_officer, kaltim):
        group = services.group_register(group=new_group(), members=new_members(5), by=paser_officer)
        removed = group.members.exclude(role="ketua").first()
        removed_pk = removed.pk  # delete() clears it
        services.group_update(group=group, members=[], removed=[removed], by=paser_officer)
        assert set(Member.history.values_list("history_user_id", flat=True)) == {paser_officer.pk}
        assert Member.history.filter(id=removed_pk, history_type="-").exists()
