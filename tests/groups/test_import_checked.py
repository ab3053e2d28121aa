"""The confirmation of an import saves the rows its preview checked, without reading the
workbook again, and still checks everything the database may have changed since."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.personal_data import mask
from groups import imports
from groups.models import BusinessGroup, Member
from tests.factories import BusinessGroupFactory, MemberFactory
from tests.groups.helpers import new_group, new_members, workbook_bytes
from tests.groups.test_excel import upload

IMPORT = reverse("groups:group_import")


def preview(client, data):
    response = client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 200
    return response.context["confirm_form"].initial["token"]


def confirm(client, token):
    return client.post(IMPORT, {"token": token, "confirm": ""})


@pytest.mark.django_db
class TestConfirmation:
    def test_the_workbook_is_read_once(self, client, kaltim, province_staff, monkeypatch):
        client.force_login(province_staff)
        members = new_members("KUBE Maju Jaya", 6)
        members[3]["decile"] = None
        token = preview(client, workbook_bytes([new_group()], members))

        def no_second_reading(*args, **kwargs):
            raise AssertionError("the confirmation read the workbook again")

        monkeypatch.setattr(imports, "open_workbook", no_second_reading)
        response = confirm(client, token)
        assert response.status_code == 302
        group = BusinessGroup.objects.get(name="KUBE Maju Jaya")
        saved = {m.nik: m for m in group.members.all()}
        assert len(saved) == 6
        for row in members:  # every value as the workbook had it, dates and blanks too
            member = saved[row["nik"]]
            assert member.birth_date == row["birth_date"]
            assert member.kk_number == row["kk_number"]
            assert member.decile == row["decile"]
            assert member.role == row["role"]
        assert group.date_formed == new_group()["date_formed"]
        assert group.village_id == "64.01.04.1001"

    def test_a_nik_taken_between_preview_and_confirmation_is_refused(
        self, client, kaltim, province_staff
    ):
        client.force_login(province_staff)
        members = new_members("KUBE Maju Jaya", 6)
        token = preview(client, workbook_bytes([new_group()], members))
        other = BusinessGroupFactory(name="KUBE Lebih Dulu")
        MemberFactory(group=other, nik=members[2]["nik"])
        response = confirm(client, token)
        assert response.status_code == 200
        content = response.content.decode()
        # Province staff see which group holds the NIK; the NIK itself stays masked.
        assert mask(members[2]["nik"]) in content and "KUBE Lebih Dulu" in content
        assert members[2]["nik"] not in content
        assert not BusinessGroup.objects.filter(name="KUBE Maju Jaya").exists()
        assert Member.objects.filter(nik=members[2]["nik"]).count() == 1

    def test_a_user_who_may_no_longer_import_cannot_confirm(self, client, kaltim, province_staff):
        client.force_login(province_staff)
        token = preview(client, workbook_bytes([new_group()], new_members("KUBE Maju Jaya", 6)))
        province_staff.role = Role.APPROVER
        province_staff.save()
        assert confirm(client, token).status_code == 403
        assert not BusinessGroup.objects.filter(name="KUBE Maju Jaya").exists()


def test_checked_rows_come_back_as_they_were_read():
    group = imports.GroupRow(
        2,
        "kube maju jaya",
        "",
        "64.01",
        dict.fromkeys(imports.GROUP_FIELDS, "x") | {"date_formed": new_group()["date_formed"]},
        ("Kabupaten Paser", "Tanah Grogot"),
    )
    values = {k: v for k, v in new_members("KUBE Maju Jaya", 1)[0].items() if k != "group_key"}
    member = imports.MemberRow(2, "kube maju jaya", values)
    groups, members = imports.load_checked(imports.dump_checked([group], [member]))
    assert groups == [group] and members == [member]
