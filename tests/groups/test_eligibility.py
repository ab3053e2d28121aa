"""Eligibility by the poverty register: verification checks the programme's criteria one by
one (members, households by family card, DTSEN deciles, one ketua, the bank account, the
documents it requires) and the group page lists them; a group that fails one is not
verified, with the reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import DomainError
from groups import rules, services
from groups.models import GroupStatus
from tests.factories import MemberFactory, group_with_members
from tests.grants.money import open_program

pytestmark = pytest.mark.django_db


def verify(group, by):
    return services.group_verify(group=group, by=by)


def test_five_members_of_one_family_card_are_one_household(kaltim, province_staff):
    group = group_with_members(5)
    group.members.update(kk_number="6401011203240001")
    with pytest.raises(DomainError) as refused:
        verify(group, province_staff)
    assert refused.value.messages == [
        "Anggota berasal dari 1 rumah tangga (No. KK); KUBE memerlukan sekurang-kurangnya 5."
    ]
    group.refresh_from_db()
    assert group.status == GroupStatus.PROPOSED


def test_a_member_above_the_decile_limit(kaltim, province_staff):
    group = group_with_members(5)
    member = group.members.filter(role="anggota").first()
    member.decile = 7
    member.save()
    with pytest.raises(DomainError, match=r"1 anggota di atas desil DTSEN 4 \(tertinggi: 7\)"):
        verify(group, province_staff)
    member.decile = None
    member.save()
    with pytest.raises(DomainError, match="Desil DTSEN 1 anggota belum tercatat"):
        verify(group, province_staff)
    member.decile = 4
    member.save()
    assert verify(group, province_staff).status == GroupStatus.VERIFIED


def test_the_newest_open_programme_sets_the_criteria(kaltim, province_staff):
    open_program(max_decile=7, min_households=3, required_documents=["bank_book"])
    criteria = rules.verification_criteria()
    assert (criteria.max_decile, criteria.min_households, criteria.required_documents) == (
        7,
        3,
        ("bank_book",),
    )
    group = group_with_members(5)
    group.members.filter(role="anggota").update(decile=7)
    with pytest.raises(DomainError) as refused:
        verify(group, province_staff)
    assert refused.value.messages == ["Unggah dokumen kelompok: Buku rekening."]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    services.document_add(
        group=group,
        kind="bank_book",
        upload=SimpleUploadedFile("buku-tabungan.png", png, "image/png"),
        by=province_staff,
    )
    assert verify(group, province_staff).status == GroupStatus.VERIFIED


def test_the_group_page_lists_the_criteria_one_by_one(client, kaltim, province_staff):
    group = group_with_members(5)
    group.members.update(kk_number="6401011203240001")
    MemberFactory(group=group, decile=7)
    client.force_login(province_staff)
    response = client.get(group.get_absolute_url())
    checks = response.context["checks"]
    assert [(check.met, check.found) for check in checks] == [
        (True, "6"),  # members
        (False, "2"),  # households
        (False, "tertinggi 7"),  # deciles
        (True, "1"),  # ketua
        (True, group.account_holder),  # bank account
    ]
    content = response.content.decode()
    assert 'id="verification-checks"' in content
    assert "Sekurang-kurangnya 5 rumah tangga (No. KK yang berbeda): <strong>2</strong>" in content
    assert "Setiap anggota pada desil DTSEN 4 atau lebih rendah" in content
    verify_url = reverse("groups:group_verify", args=[group.pk])
    assert f'action="{verify_url}"' not in content  # not offered while a criterion fails
    response = client.post(verify_url, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("rumah tangga (No. KK)" in m for m in messages)
    assert any("di atas desil DTSEN 4" in m for m in messages)


def test_the_grants_app_answers_with_the_programme(kaltim):
    assert rules.verification_criteria() == rules.Criteria()  # no open programme: KUBE rules
    open_program(min_members=6, max_members=15)
    assert rules.verification_criteria() == rules.Criteria(
        min_members=6, max_members=15, min_households=5, max_decile=4, required_documents=()
    )
