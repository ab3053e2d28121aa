"""The group admin asks the group rules: composition on every save, edits only where the
group page offers them, registration only through the application."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import Role
from groups.models import GroupStatus, Member
from tests.factories import UserFactory, group_with_members


def inline_data(group, **changes):
    """The change form of a group as the admin posts it back, with `changes` to its rows."""
    members = list(group.members.order_by("pk"))
    data = {
        "name": group.name,
        "sector": group.sector,
        "regency": group.regency_id,
        "district": group.district_id,
        "village": group.village_id,
        "address": group.address,
        "phone": group.phone,
        "date_formed": group.date_formed.isoformat(),
        "bank_name": group.bank_name,
        "account_number": group.account_number,
        "account_holder": group.account_holder,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        data.update(
            {
                f"members-{i}-id": str(member.pk),
                f"members-{i}-group": str(group.pk),
                f"members-{i}-nik": member.nik,
                f"members-{i}-kk_number": member.kk_number,
                f"members-{i}-full_name": member.full_name,
                f"members-{i}-sex": member.sex,
                f"members-{i}-birth_date": member.birth_date.isoformat(),
                f"members-{i}-phone": member.phone,
                f"members-{i}-role": member.role,
                f"members-{i}-decile": "",
                f"members-{i}-active": "on" if member.active else "",
            }
        )
    return {**data, **changes}


@pytest.mark.django_db
class TestGroupAdmin:
    def test_a_second_ketua_in_the_inline_is_refused(self, client, superuser, kaltim):
        group = group_with_members(5)
        client.force_login(superuser)
        url = reverse("admin:groups_businessgroup_change", args=[group.pk])
        response = client.post(url, inline_data(group, **{"members-1-role": "ketua"}))
        assert response.status_code == 200
        assert "satu ketua" in response.content.decode()  # the constraint or the composition
        assert group.members.filter(role="ketua").count() == 1

    def test_switching_every_member_off_is_refused(self, client, superuser, kaltim):
        group = group_with_members(2)
        client.force_login(superuser)
        url = reverse("admin:groups_businessgroup_change", args=[group.pk])
        response = client.post(
            url, inline_data(group, **{"members-0-active": "", "members-1-active": ""})
        )
        assert "paling sedikit satu anggota" in response.content.decode()
        assert group.members.filter(active=True).count() == 2

    def test_a_good_change_is_saved(self, client, superuser, kaltim):
        group = group_with_members(5)
        client.force_login(superuser)
        url = reverse("admin:groups_businessgroup_change", args=[group.pk])
        response = client.post(url, inline_data(group, name="KUBE Nama Baru"))
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.name == "KUBE Nama Baru"

    def test_a_rejected_group_is_read_only(self, client, superuser, kaltim):
        group = group_with_members(5, status=GroupStatus.REJECTED, status_reason="Duplikat")
        client.force_login(superuser)
        url = reverse("admin:groups_businessgroup_change", args=[group.pk])
        assert 'name="_save"' not in client.get(url).content.decode()
        response = client.post(url, inline_data(group, name="KUBE Diubah"))
        assert response.status_code == 403
        group.refresh_from_db()
        assert group.name != "KUBE Diubah"

    def test_an_admin_officer_edits_what_the_group_page_lets_them_edit(self, client, kaltim):
        officer = UserFactory(
            username="petugas.admin", role=Role.REGENCY_OFFICER, regency_id="64.01", is_staff=True
        )
        # Every permission on groups in the admin: the group rules still decide.
        officer.user_permissions.set(Permission.objects.filter(content_type__app_label="groups"))
        proposed = group_with_members(5)
        verified = group_with_members(5, status=GroupStatus.VERIFIED)
        client.force_login(officer)
        for group, editable in ((proposed, True), (verified, False)):
            url = reverse("admin:groups_businessgroup_change", args=[group.pk])
            content = client.get(url).content.decode()
            assert ('name="_save"' in content) is editable

    def test_groups_are_registered_through_the_application(self, client, superuser, kaltim):
        client.force_login(superuser)
        assert client.get(reverse("admin:groups_businessgroup_add")).status_code == 403


@pytest.mark.django_db
class TestMemberAdmin:
    def test_a_second_sekretaris_is_refused_with_the_composition_message(
        self, client, superuser, kaltim
    ):
        group = group_with_members(5)
        secretary = group.members.filter(role="anggota").first()
        secretary.role = "sekretaris"
        secretary.save()
        other = group.members.filter(role="anggota").first()
        client.force_login(superuser)
        response = client.post(
            reverse("admin:groups_member_change", args=[other.pk]),
            {
                "group": group.pk,
                "nik": other.nik,
                "kk_number": other.kk_number,
                "full_name": other.full_name,
                "sex": other.sex,
                "birth_date": other.birth_date.isoformat(),
                "phone": "",
                "role": "sekretaris",
                "decile": "",
                "active": "on",
            },
        )
        assert response.status_code == 200
        assert "paling banyak satu" in response.content.decode()
        assert Member.objects.get(pk=other.pk).role == "anggota"
