"""Rules that belong to the data, on the model: the admin, the form, the services, the import
and `full_clean()` refuse the same value with the same message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from groups import imports, services
from groups.forms import MemberForm
from groups.models import BusinessGroup, Member
from tests.factories import BusinessGroupFactory, group_with_members
from tests.groups.helpers import group_post_data, new_group, new_members, workbook_bytes

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)

# A value refused on the member row, and the field it is about.
BAD_MEMBER_VALUES = {
    "NIK with day 32": ("nik", "6401043202850001"),
    "NIK with month 13": ("nik", "6401041713850001"),
    "NIK of an unknown regency": ("nik", "6499041407850003"),
    "NIK with serial 0000": ("nik", "6401041407850000"),
    "No. KK of 12 digits": ("kk_number", "640104120324"),
    "birth date tomorrow": ("birth_date", TOMORROW),
    "birth date in 1880": ("birth_date", datetime.date(1880, 1, 1)),
}


def member_fields(**values):
    fields = {
        "nik": "6401041407850003",
        "kk_number": "6401041203240001",
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_date": datetime.date(1985, 7, 14),
        "role": "anggota",
    }
    return {**fields, **values}


def full_clean_messages(member) -> dict[str, list[str]]:
    try:
        member.full_clean(exclude=["group"], validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.django_db
class TestAdmin:
    """The admin saved these before the rules were on the model."""

    def post_member(self, client, superuser, *, member=None, **values):
        group = member.group if member else group_with_members(5)
        client.force_login(superuser)
        data = {
            **member_fields(**values),
            "group": group.pk,
            "birth_date": values.get("birth_date", "1985-07-14"),
            "phone": "",
            "decile": "",
            "active": "on",
        }
        url = (
            reverse("admin:groups_member_change", args=[member.pk])
            if member
            else reverse("admin:groups_member_add")
        )
        return client.post(url, data)

    @pytest.mark.parametrize(
        ("nik", "message"),
        [
            ("6401043202850001", "Tanggal lahir di NIK tidak valid."),  # day 32
            ("6401041713850001", "Tanggal lahir di NIK tidak valid."),  # month 13
            ("6499041407850003", "Kode kabupaten/kota 64.99 pada NIK tidak dikenal"),
        ],
    )
    def test_add_refuses_a_bad_nik(self, client, superuser, kaltim, nik, message):
        response = self.post_member(client, superuser, nik=nik)
        assert response.status_code == 200  # the form again, not a redirect
        assert message in response.content.decode()
        assert not Member.objects.filter(nik=nik).exists()

    def test_change_refuses_a_bad_nik_and_keeps_the_old_one(self, client, superuser, kaltim):
        member = group_with_members(5).members.filter(role="anggota").first()
        old = member.nik
        response = self.post_member(client, superuser, member=member, nik="6401043202850001")
        assert response.status_code == 200
        assert "Tanggal lahir di NIK tidak valid." in response.content.decode()
        member.refresh_from_db()
        assert member.nik == old

    def test_add_accepts_a_good_member(self, client, superuser, kaltim):
        response = self.post_member(client, superuser, nik="6401041407850999")
        assert response.status_code == 302
        assert Member.objects.filter(nik="6401041407850999").exists()


@pytest.mark.django_db
class TestSameMessageOnEveryPath:
    @pytest.mark.parametrize("case", BAD_MEMBER_VALUES)
    def test_full_clean_the_form_and_the_import_agree(self, kaltim, province_staff, case):
        name, value = BAD_MEMBER_VALUES[case]
        expected = full_clean_messages(Member(**member_fields(**{name: value})))[name]
        assert expected

        shown = value.isoformat() if isinstance(value, datetime.date) else value
        form = MemberForm(data=member_fields(**{name: shown}))
        assert not form.is_valid()
        assert form.errors[name] == expected

        members = new_members("KUBE Maju Jaya", 5)
        members[2][name] = value
        result = imports.groups_import(
            file=workbook_bytes([new_group()], members), by=province_staff, dry_run=True
        )
        assert [(issue.sheet, issue.row) for issue in result.errors] == [("Anggota", 4)]
        assert [issue.message for issue in result.errors] == expected

    @pytest.mark.parametrize("case", ["NIK with day 32", "No. KK of 12 digits"])
    def test_the_group_form_and_the_import_show_the_same_message_for_the_same_row(
        self, client, kaltim, province_staff, case
    ):
        name, value = BAD_MEMBER_VALUES[case]
        client.force_login(province_staff)
        response = client.post(
            reverse("groups:group_create"), group_post_data(**{f"members-3-{name}": value})
        )
        assert response.status_code == 200
        form_messages = response.context["formset"].forms[3].errors[name]

        members = new_members("KUBE Maju Jaya", 5)
        members[3][name] = value
        result = imports.groups_import(
            file=workbook_bytes([new_group()], members), by=province_staff, dry_run=True
        )
        assert [issue.message for issue in result.errors] == form_messages
        assert not BusinessGroup.objects.exists()

    def test_the_services_refuse_what_the_form_refuses(self, kaltim, province_staff):
        group = BusinessGroupFactory.build(date_formed=TOMORROW, created_by=province_staff)
        member = Member(**member_fields(nik="6401043202850001", role="ketua"))
        with pytest.raises(DomainError) as refused:
            services.group_register(group=group, members=[member], by=province_staff)
        text = str(refused.value)
        assert "Tanggal lahir di NIK tidak valid." in text and "Budi Santoso" in text
        assert "masa depan" in text  # the date formed
        assert not BusinessGroup.objects.exists()

    def test_the_nik_of_another_regency_stays_a_warning(self, kaltim):
        berau = member_fields(nik="6403041407850003")
        assert full_clean_messages(Member(**berau)) == {}


@pytest.mark.django_db
class TestGroupDates:
    @pytest.mark.parametrize(
        ("date_formed", "message"),
        [(TOMORROW, "masa depan"), (datetime.date(1949, 12, 31), "sebelum tahun 1950")],
    )
    def test_date_formed_within_bounds(self, kaltim, date_formed, message):
        group = BusinessGroupFactory.build(date_formed=date_formed)
        with pytest.raises(ValidationError) as refused:
            group.full_clean(exclude=["created_by"])
        assert message in " ".join(refused.value.message_dict["date_formed"])

    def test_district_outside_the_regency_is_refused_on_the_model(self, kaltim):
        group = BusinessGroupFactory.build(regency_id="64.01", district_id="64.03.01")
        with pytest.raises(ValidationError) as refused:
            group.full_clean(exclude=["created_by"])
        assert refused.value.message_dict["district"] == [
            "Kecamatan tidak berada di kabupaten/kota kelompok."
        ]


def empty_member_rows(data, count=5):
    """The member rows as a browser sends them when nobody filled them in."""
    for i in range(count):
        for key in ("nik", "kk_number", "full_name", "sex", "birth_date"):
            data[f"members-{i}-{key}"] = ""
        data[f"members-{i}-role"] = "anggota"
    return data


@pytest.mark.django_db
class TestComposition:
    """One function (groups.rules.composition_problems) on every path, one message."""

    @pytest.mark.parametrize("total_forms", ["-1", "0", "5"])
    def test_the_form_refuses_a_group_with_no_members(
        self, client, kaltim, paser_officer, total_forms
    ):
        client.force_login(paser_officer)
        data = empty_member_rows(group_post_data())
        data["members-TOTAL_FORMS"] = total_forms
        response = client.post(reverse("groups:group_create"), data)
        assert response.status_code == 200
        assert "paling sedikit satu anggota" in response.content.decode()
        assert not BusinessGroup.objects.exists()

    def test_the_service_refuses_a_group_with_no_members(self, kaltim, province_staff):
        group = BusinessGroupFactory.build(created_by=province_staff)
        with pytest.raises(DomainError, match="paling sedikit satu anggota"):
            services.group_register(group=group, members=[], by=province_staff)
        assert not BusinessGroup.objects.exists()

    def test_an_update_may_not_remove_the_ketua(self, kaltim, province_staff):
        group = group_with_members(5)
        chair = group.members.get(role="ketua")
        with pytest.raises(DomainError, match="0 ketua"):
            services.group_update(group=group, members=[], removed=[chair], by=province_staff)
        assert group.members.filter(role="ketua", active=True).exists()

    def test_an_update_may_move_the_ketua_role(self, kaltim, province_staff):
        group = group_with_members(5)
        chair, other = group.members.get(role="ketua"), group.members.filter(role="anggota")[0]
        chair.role, other.role = "anggota", "ketua"
        services.group_update(group=group, members=[chair, other], by=province_staff)
        assert group.members.get(role="ketua") == other

    def test_more_members_than_the_maximum_are_refused(self, kaltim, province_staff):
        group = BusinessGroupFactory.build(created_by=province_staff)
        members = [
            Member(
                **member_fields(nik=f"64010414078{n:05d}", role="ketua" if n == 1 else "anggota")
            )
            for n in range(1, 22)
        ]
        with pytest.raises(DomainError, match="paling banyak 20"):
            services.group_register(group=group, members=members, by=province_staff)

    def test_fewer_than_the_minimum_may_be_saved_and_wait_for_verification(
        self, kaltim, province_staff
    ):
        group = BusinessGroupFactory.build(created_by=province_staff)
        members = [Member(**member_fields(role="ketua"))]
        saved = services.group_register(group=group, members=members, by=province_staff)
        assert saved.members.count() == 1

    @pytest.mark.parametrize(
        "change",
        [
            {"members-1-role": "ketua"},  # two ketua
            {"members-0-role": "anggota"},  # none
            {"members-1-role": "bendahara"},  # two bendahara
        ],
    )
    def test_the_form_and_the_import_give_the_same_message(
        self, client, kaltim, province_staff, change
    ):
        client.force_login(province_staff)
        response = client.post(reverse("groups:group_create"), group_post_data(**change))
        assert response.status_code == 200
        form_messages = response.context["formset"].non_form_errors()

        members = new_members("KUBE Maju Jaya", 5)
        roles = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"]
        for member, role in zip(members, roles, strict=True):
            member["role"] = role
        for key, role in change.items():
            members[int(key.split("-")[1])]["role"] = role
        result = imports.groups_import(
            file=workbook_bytes([new_group()], members), by=province_staff, dry_run=True
        )
        assert [(issue.sheet, issue.row) for issue in result.errors] == [("Kelompok", 2)]
        assert [issue.message for issue in result.errors] == list(form_messages)
        assert not BusinessGroup.objects.exists()


OUT_OF_DISTRICT = "Desa/kelurahan tidak berada di kecamatan kelompok."


@pytest.mark.django_db
class TestVillage:
    """A village is chosen from the Kemendagri list and must lie in the group's district:
    the same refusal on every path."""

    def test_the_form_refuses_a_village_of_another_district(self, client, kaltim, paser_officer):
        client.force_login(paser_officer)
        data = group_post_data(district="64.01.04", village="64.01.01.2009")  # Batu Sopang's
        response = client.post(reverse("groups:group_create"), data)
        assert response.context["form"].errors["village"] == [OUT_OF_DISTRICT]
        assert not BusinessGroup.objects.exists()

    def test_the_form_offers_an_officer_only_their_regency_s_villages(
        self, client, kaltim, paser_officer
    ):
        client.force_login(paser_officer)
        form = client.get(reverse("groups:group_create")).context["form"]
        districts = {v.district_id[:5] for v in form.fields["village"].queryset}
        assert districts == {"64.01"}
        assert {d.regency_id for d in form.fields["district"].queryset} == {"64.01"}
        response = client.post(
            reverse("groups:group_create"),
            group_post_data(district="64.01.04", village="64.03.01.2001"),  # a Berau village
        )
        assert "village" in response.context["form"].errors
        assert not BusinessGroup.objects.exists()

    def test_the_village_select_names_each_option_s_district_for_the_script(
        self, client, kaltim, paser_officer
    ):
        client.force_login(paser_officer)
        content = client.get(reverse("groups:group_create")).content.decode()
        assert 'data-parent-field="id_district"' in content
        assert 'value="64.01.04.1001" data-parent="64.01.04"' in content
        assert "js/region-choices.js" in content and "<script>" not in content

    def test_the_service_refuses_it_with_the_same_message(self, kaltim, province_staff):
        group = BusinessGroupFactory.build(
            district_id="64.01.04", village_id="64.01.01.2009", created_by=province_staff
        )
        members = [Member(**member_fields(role="ketua"))]
        with pytest.raises(DomainError, match=OUT_OF_DISTRICT):
            services.group_register(group=group, members=members, by=province_staff)

    def test_the_import_refuses_it_with_the_same_message(self, kaltim, province_staff):
        row = new_group(district="64.01.04", village_code="64.01.01.2009")
        result = imports.groups_import(
            file=workbook_bytes([row], new_members("KUBE Maju Jaya", 5)),
            by=province_staff,
            dry_run=True,
        )
        assert [(i.row, i.column, i.message) for i in result.errors] == [
            (2, "Kode Desa 64.01.01.2009", OUT_OF_DISTRICT)
        ]

    def test_the_import_finds_a_village_by_its_name_in_the_district(self, kaltim, province_staff):
        rows = [
            new_group("KUBE Satu", village_code=None, village_name="tanah  GROGOT"),
            new_group("KUBE Dua", village_code=None, village_name="Samurangau"),  # elsewhere
        ]
        members = new_members("KUBE Satu", 5) + new_members("KUBE Dua", 5, first_serial=10)
        result = imports.groups_import(
            file=workbook_bytes(rows, members), by=province_staff, dry_run=True
        )
        assert [(i.row, i.message) for i in result.errors] == [
            (
                3,
                "Kecamatan 64.01.04 tidak memiliki desa/kelurahan bernama Samurangau: "
                "isi Kode Desa.",
            )
        ]

    def test_full_clean_and_the_database_refuse_it(self, kaltim):
        group = BusinessGroupFactory()
        group.village_id = "64.01.04.1001"  # the factory's district is 64.01.01
        with pytest.raises(ValidationError) as refused:
            group.full_clean()
        assert refused.value.message_dict["village"] == [OUT_OF_DISTRICT]
        with pytest.raises(IntegrityError), transaction.atomic():
            BusinessGroup.objects.filter(pk=group.pk).update(village_id="64.01.04.1001")

    def test_the_admin_refuses_it(self, client, superuser, kaltim):
        from tests.groups.test_admin import inline_data

        group = group_with_members(5)
        client.force_login(superuser)
        url = reverse("admin:groups_businessgroup_change", args=[group.pk])
        response = client.post(url, inline_data(group, village="64.01.04.1001"))
        assert response.status_code == 200
        assert OUT_OF_DISTRICT in response.content.decode()
        group.refresh_from_db()
        assert group.village_id == "64.01.01.2009"
