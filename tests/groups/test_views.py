import io
import re

import pytest
from django.urls import reverse

from groups.models import BusinessGroup, GroupDocument, GroupStatus
from tests.factories import BusinessGroupFactory, MemberFactory, group_with_members
from tests.groups.helpers import group_post_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def paser_group(kaltim):
    return group_with_members(5, name="KUBE Mekar Sari")


def upload(name, content):
    f = io.BytesIO(content)
    f.name = name
    return f


DETAIL_PAGES = ["groups:group_detail", "groups:group_update"]
POST_ACTIONS = [
    "groups:group_verify",
    "groups:group_mark_eligible",
    "groups:group_reject",
    "groups:group_deactivate",
    "groups:document_upload",
]


@pytest.mark.django_db
class TestScope:
    """The Berau officer never sees a Paser group: 404 everywhere, absent from lists."""

    @pytest.mark.parametrize("name", DETAIL_PAGES + POST_ACTIONS)
    def test_out_of_scope_is_404(self, client, berau_officer, paser_group, name):
        client.force_login(berau_officer)
        url = reverse(name, args=[paser_group.pk])
        response = client.post(url) if name in POST_ACTIONS else client.get(url)
        assert response.status_code == 404

    def test_document_of_another_regency_is_404(self, client, berau_officer, paser_group):
        doc = GroupDocument.objects.create(
            group=paser_group,
            kind="proposal",
            file="x.pdf",
            stored_name="x.pdf",
            original_name="proposal.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=paser_group.created_by,
        )
        client.force_login(berau_officer)
        assert client.get(reverse("groups:document_download", args=[doc.pk])).status_code == 404

    def test_list_search_and_filter_choices_hide_other_regencies(
        self, client, berau_officer, paser_group
    ):
        BusinessGroupFactory(name="KUBE Berau Jaya", regency_id="64.03")
        client.force_login(berau_officer)
        nik = paser_group.members.first().nik
        for params in ["", "?q=Mekar", f"?q={nik}", "?regency=64.01"]:
            content = client.get(reverse("groups:group_list") + params).content.decode()
            assert "KUBE Mekar Sari" not in content, params
        content = client.get(reverse("groups:group_list")).content.decode()
        assert "KUBE Berau Jaya" in content
        assert "Kabupaten Paser" not in content  # not even as a filter choice

    def test_province_staff_find_a_group_by_member_nik(self, client, province_staff, paser_group):
        client.force_login(province_staff)
        nik = paser_group.members.first().nik
        content = client.get(reverse("groups:group_list") + f"?q={nik}").content.decode()
        assert "KUBE Mekar Sari" in content


@pytest.mark.django_db
class TestRolesAndMethods:
    @pytest.mark.parametrize("name", POST_ACTIONS)
    def test_get_on_a_post_only_action_is_405(self, client, province_staff, paser_group, name):
        client.force_login(province_staff)
        assert client.get(reverse(name, args=[paser_group.pk])).status_code == 405

    @pytest.mark.parametrize(
        "name", ["groups:group_verify", "groups:group_mark_eligible", "groups:group_reject"]
    )
    def test_officer_may_not_decide(self, client, paser_officer, paser_group, name):
        client.force_login(paser_officer)
        response = client.post(reverse(name, args=[paser_group.pk]), {"reason": "x"})
        assert response.status_code == 403
        paser_group.refresh_from_db()
        assert paser_group.status == GroupStatus.PROPOSED

    def test_approver_may_not_register(self, client, approver, kaltim):
        client.force_login(approver)
        assert client.get(reverse("groups:group_create")).status_code == 403


@pytest.mark.django_db
class TestRegisterAndEdit:
    def test_officer_registers_a_group_and_sees_the_nik_warning(self, client, paser_officer):
        client.force_login(paser_officer)
        response = client.post(reverse("groups:group_create"), group_post_data(), follow=True)
        group = BusinessGroup.objects.get(name="KUBE Lestari")
        assert response.redirect_chain[-1][0] == group.get_absolute_url()
        assert group.members.count() == 5
        assert group.created_by == paser_officer
        content = response.content.decode()
        assert "Joko Susilo" in content and "64.03" in content  # the regency warning

    def test_two_ketua_are_refused_and_nothing_is_saved(self, client, paser_officer):
        client.force_login(paser_officer)
        response = client.post(
            reverse("groups:group_create"), group_post_data(**{"members-1-role": "ketua"})
        )
        assert response.status_code == 200
        assert "tepat satu ketua" in response.content.decode()
        assert not BusinessGroup.objects.exists()

    def test_bad_nik_is_refused_in_indonesian(self, client, paser_officer):
        client.force_login(paser_officer)
        response = client.post(
            reverse("groups:group_create"),
            group_post_data(**{"members-3-nik": "6401040101850000"}),
        )
        assert "Nomor urut NIK tidak boleh 0000." in response.content.decode()
        assert not BusinessGroup.objects.exists()

    def test_officer_cannot_register_in_another_regency(self, client, berau_officer):
        client.force_login(berau_officer)
        response = client.post(reverse("groups:group_create"), group_post_data())
        assert response.status_code == 200
        assert not BusinessGroup.objects.exists()

    def test_edit_replaces_a_member_and_keeps_history(self, client, province_staff, paser_group):
        client.force_login(province_staff)
        url = reverse("groups:group_update", args=[paser_group.pk])
        form = client.get(url).context["formset"]
        data = group_post_data(name="KUBE Mekar Sari Baru", account_holder="KUBE Mekar Sari Baru")
        data.update(
            {
                "members-TOTAL_FORMS": str(len(form.forms)),
                "members-INITIAL_FORMS": str(form.initial_form_count()),
            }
        )
        for i, f in enumerate(form.forms[: form.initial_form_count()]):
            m = f.instance
            data.update(
                {
                    f"members-{i}-id": str(m.pk),
                    f"members-{i}-group": str(paser_group.pk),
                    f"members-{i}-nik": m.nik,
                    f"members-{i}-kk_number": m.kk_number,
                    f"members-{i}-full_name": m.full_name,
                    f"members-{i}-sex": m.sex,
                    f"members-{i}-birth_date": m.birth_date.isoformat(),
                    f"members-{i}-role": m.role,
                }
            )
        for i in range(form.initial_form_count(), len(form.forms)):
            for key in ["nik", "kk_number", "full_name", "sex", "birth_date"]:
                data[f"members-{i}-{key}"] = ""
            data[f"members-{i}-role"] = "anggota"  # what the browser sends for an empty row
        data["members-4-full_name"] = "Nama Diperbaiki"
        response = client.post(url, data, follow=True)
        assert response.redirect_chain, (
            response.context["form"].errors or response.context["formset"].errors
        )
        paser_group.refresh_from_db()
        assert paser_group.name == "KUBE Mekar Sari Baru"
        content = response.content.decode()
        assert "Nama Diperbaiki" in content
        assert "KUBE Mekar Sari → KUBE Mekar Sari Baru" in content  # history on the page


@pytest.mark.django_db
class TestTransitionViews:
    def test_verify_then_eligible_then_deactivate(self, client, province_staff, paser_group):
        client.force_login(province_staff)
        for name in ["groups:group_verify", "groups:group_mark_eligible"]:
            assert client.post(reverse(name, args=[paser_group.pk])).status_code == 302
        response = client.post(
            reverse("groups:group_deactivate", args=[paser_group.pk]),
            {"reason": "Usaha berhenti"},
            follow=True,
        )
        paser_group.refresh_from_db()
        assert paser_group.status == GroupStatus.INACTIVE
        assert "Usaha berhenti" in response.content.decode()

    def test_verify_refusal_is_shown_and_changes_nothing(self, client, province_staff, kaltim):
        group = BusinessGroupFactory()
        MemberFactory.create_batch(3, group=group)
        client.force_login(province_staff)
        response = client.post(reverse("groups:group_verify", args=[group.pk]), follow=True)
        assert "5 sampai 20" in response.content.decode()
        group.refresh_from_db()
        assert group.status == GroupStatus.PROPOSED

    def test_reject_without_reason_changes_nothing(self, client, province_staff, paser_group):
        client.force_login(province_staff)
        client.post(reverse("groups:group_reject", args=[paser_group.pk]), {"reason": ""})
        paser_group.refresh_from_db()
        assert paser_group.status == GroupStatus.PROPOSED


@pytest.mark.django_db
class TestDocuments:
    def test_pdf_and_png_are_accepted_and_served_to_the_regency(
        self, client, paser_officer, paser_group, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(paser_officer)
        url = reverse("groups:document_upload", args=[paser_group.pk])
        client.post(url, {"kind": "proposal", "file": upload("proposal.pdf", PDF)})
        client.post(url, {"kind": "bank_book", "file": upload("buku.png", PNG)})
        docs = {d.kind: d for d in paser_group.documents.all()}
        assert docs["proposal"].content_type == "application/pdf"
        assert docs["bank_book"].content_type == "image/png"
        response = client.get(reverse("groups:document_download", args=[docs["proposal"].pk]))
        assert b"".join(response.streaming_content) == PDF
        assert not str(tmp_path).startswith(str(settings.STATIC_ROOT))

    def test_an_officer_may_not_attach_to_a_group_they_may_no_longer_edit(
        self, client, paser_officer, paser_group, settings, tmp_path
    ):
        """Once the province has verified the group, the officer neither edits it nor adds
        to its file; the page no longer offers the upload."""
        settings.MEDIA_ROOT = tmp_path
        paser_group.status = GroupStatus.VERIFIED
        paser_group.save()
        client.force_login(paser_officer)
        url = reverse("groups:document_upload", args=[paser_group.pk])
        page = client.get(paser_group.get_absolute_url()).content.decode()
        assert f'action="{url}"' not in page
        response = client.post(url, {"kind": "proposal", "file": upload("p.pdf", PDF)}, follow=True)
        assert "tidak dapat Anda ubah" in response.content.decode()
        assert not paser_group.documents.exists()

    def test_a_renamed_executable_is_refused(
        self, client, paser_officer, paser_group, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(paser_officer)
        response = client.post(
            reverse("groups:document_upload", args=[paser_group.pk]),
            {"kind": "proposal", "file": upload("proposal.pdf", b"MZ\x90\x00" + b"\x00" * 300)},
            follow=True,
        )
        assert "Hanya berkas PDF, JPEG, atau PNG" in response.content.decode()
        assert not paser_group.documents.exists()

    def test_a_file_over_5_mb_is_refused(
        self, client, paser_officer, paser_group, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(paser_officer)
        big = PDF + b"0" * (5 * 1024 * 1024)
        response = client.post(
            reverse("groups:document_upload", args=[paser_group.pk]),
            {"kind": "proposal", "file": upload("besar.pdf", big)},
            follow=True,
        )
        assert "5 MB" in response.content.decode()
        assert not paser_group.documents.exists()


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("groups", [1, 50])
    def test_list_queries_do_not_grow_with_groups(
        self, client, province_staff, kaltim, groups, django_assert_num_queries
    ):
        for _ in range(groups):
            group_with_members(5)
        client.force_login(province_staff)
        # session, user, COUNT for the paginator, the regency filter choices (no district
        # choices before a regency is chosen), the page of groups (regency, district and
        # member count by correlated subquery), and the idle-timeout session refresh
        # (savepoint, update, release)
        with django_assert_num_queries(8):
            response = client.get(reverse("groups:group_list"))
        assert response.status_code == 200
        # with a regency chosen, the choice is checked and its districts are the district
        # choices: two queries more
        with django_assert_num_queries(10):
            response = client.get(reverse("groups:group_list") + "?regency=64.01")
        districts = response.context["filter"].form.fields["district"].queryset
        assert {d.regency_id for d in districts} == {"64.01"}

    @pytest.mark.parametrize("members", [1, 50])
    def test_detail_queries_do_not_grow_with_members(
        self, client, province_staff, kaltim, members, django_assert_num_queries
    ):
        group = BusinessGroupFactory()
        MemberFactory(group=group, role="ketua")
        MemberFactory.create_batch(members - 1, group=group)
        client.force_login(province_staff)
        # session, user, the group, its members, group history, member history, the
        # timeline (trainings attended, grants, tranches, mentoring visits, progress
        # reports), the open programme's member bounds, the verification check's member
        # roles, documents, the open programmes' quotas of its regency (award buttons), and
        # the idle-timeout session refresh (savepoint, update, release)
        with django_assert_num_queries(18):
            response = client.get(reverse("groups:group_detail", args=[group.pk]))
        assert response.status_code == 200


@pytest.mark.django_db
def test_the_history_names_the_villages_a_group_moved_between(client, province_staff, kaltim):
    from groups import services

    group = group_with_members(5)  # Batu Sopang, Samurangau (64.01.01.2009)
    group.village_id = "64.01.01.2010"
    services.group_update(group=group, members=[], by=province_staff)
    client.force_login(province_staff)
    content = client.get(group.get_absolute_url()).content.decode()
    assert "Samurangau (64.01.01.2009)" in content and "Busui (64.01.01.2010)" in content


@pytest.mark.django_db
class TestEditPage:
    def test_a_group_no_longer_editable_sends_the_officer_back_with_the_reason(
        self, client, paser_officer, kaltim
    ):
        group = group_with_members(5, status=GroupStatus.VERIFIED)
        client.force_login(paser_officer)
        response = client.get(reverse("groups:group_update", args=[group.pk]), follow=True)
        assert response.redirect_chain[-1][0] == group.get_absolute_url()
        assert "Kelompok berstatus Terverifikasi tidak dapat Anda ubah." in (
            response.content.decode()
        )

    def test_a_role_that_never_edits_gets_403(self, client, approver, kaltim):
        group = group_with_members(5)
        client.force_login(approver)
        assert client.get(reverse("groups:group_update", args=[group.pk])).status_code == 403


@pytest.mark.django_db
def test_the_group_form_labels_start_with_a_capital_like_the_others(client, kaltim, province_staff):
    """Kecamatan and Desa/kelurahan start with a capital, like Kabupaten/kota."""
    client.force_login(province_staff)
    page = client.get(reverse("groups:group_create")).content.decode()
    labels = dict(re.findall(r'<label\s+for="id_(district|village)"[^>]*>\s*([^<*]+)', page))
    assert labels == {"district": "Kecamatan", "village": "Desa/kelurahan"}
