"""Recipients' decrees (SK penerima): a draft names the programme's awarded grants not yet in
a decree; signing gives it a number from the register and a date; only a grant in a signed
decree receives its aid; cancelling frees the grants and keeps a signed decree's number."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from core.errors import DomainError
from grants import pdf, rules, services
from grants.models import DecreeStatus, GrantStatus
from letters.models import Letter, LetterStatus
from tests.contract import assert_contract
from tests.factories import UserFactory
from tests.grants.money import eligible_group, open_program, sign_agreement

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 12)


@pytest.fixture
def head(db):
    """The head of the provincial office, who signs decrees."""
    return UserFactory(
        username="darmawan",
        first_name="Darmawan",
        last_name="Setiadi",
        role="approver",
        position="Kepala Dinas Sosial Provinsi Kalimantan Timur",
        nip="196905121994031005",
    )


@pytest.fixture
def program(kaltim):
    return open_program()


def award(program, staff, regency="64.01", **group):
    return services.grant_award(program=program, group=eligible_group(regency, **group), by=staff)


def transfer(grant, staff):
    return services.grant_record_transfer(
        grant=grant, by=staff, transferred_on=datetime.date(2026, 3, 2), reference="SP2D-1"
    )


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


class TestServices:
    def test_a_signed_decree_gets_its_number_and_date_from_the_register(
        self, program, province_staff, head
    ):
        paser, berau = award(program, province_staff), award(program, province_staff, "64.03")

        draft = services.decree_prepare(program=program, signatory=head, by=province_staff)
        assert set(draft.grants.all()) == {paser, berau}
        assert draft.status == DecreeStatus.DRAFT and draft.number == ""
        decree = services.decree_sign(decree=draft, by=province_staff, signed_on=DAY)

        assert decree.status == DecreeStatus.SIGNED and decree.signed_on == DAY
        assert decree.number == "400.9.5/0001/SK-PENERIMA/DINSOS/2026"
        letter = decree.letter
        assert (letter.kind, letter.issued_on, letter.signed_by, letter.regency) == (
            "decree",
            DAY,
            head,
            None,
        )
        assert letter.subject == (
            "Penetapan penerima Bantuan Modal Usaha KUBE 2026 Tahun Anggaran 2026 (2 kelompok)"
        )

    def test_grants_awarded_later_go_into_a_further_decree(self, program, province_staff, head):
        first = award(program, province_staff)
        one = services.decree_prepare(program=program, signatory=head, by=province_staff)
        services.decree_sign(decree=one, by=province_staff, signed_on=DAY)
        later = award(program, province_staff)
        cancelled = award(program, province_staff)
        services.grant_cancel(grant=cancelled, by=province_staff, reason="Kelompok bubar")

        two = services.decree_prepare(program=program, signatory=head, by=province_staff)
        two = services.decree_sign(decree=two, by=province_staff, signed_on=DAY)

        assert list(two.grants.all()) == [later]
        assert first in one.grants.all()
        assert two.number == "400.9.5/0002/SK-PENERIMA/DINSOS/2026"
        with pytest.raises(DomainError, match="sudah tercantum dalam SK"):
            services.decree_prepare(program=program, signatory=head, by=province_staff)

    def test_the_signatory_is_an_official_of_the_province(
        self, program, province_staff, paser_head, head
    ):
        award(program, province_staff)
        with pytest.raises(DomainError, match="pejabat provinsi"):
            services.decree_prepare(program=program, signatory=paser_head, by=province_staff)
        head.nip = ""
        head.save()
        with pytest.raises(DomainError, match="belum dapat menandatangani"):
            services.decree_prepare(program=program, signatory=head, by=province_staff)

    def test_signed_once_on_a_real_date(self, program, province_staff, head):
        award(program, province_staff)
        draft = services.decree_prepare(program=program, signatory=head, by=province_staff)
        with pytest.raises(DomainError):
            services.decree_sign(
                decree=draft,
                by=province_staff,
                signed_on=timezone.localdate() + datetime.timedelta(days=1),
            )
        assert not Letter.objects.exists()  # the refused signing took no number
        services.decree_sign(decree=draft, by=province_staff, signed_on=DAY)
        with pytest.raises(DomainError, match="konsep"):
            services.decree_sign(decree=draft, by=province_staff, signed_on=DAY)

    def test_no_transfer_before_a_signed_decree(self, program, province_staff, head):
        grant = award(program, province_staff)
        with translation.override("en"), pytest.raises(DomainError, match="signed recipients"):
            transfer(grant, province_staff)
        draft = services.decree_prepare(program=program, signatory=head, by=province_staff)
        with pytest.raises(DomainError, match="SK penerima"):
            transfer(grant, province_staff)
        services.decree_sign(decree=draft, by=province_staff, signed_on=DAY)
        with pytest.raises(DomainError, match="NPHD"):
            transfer(grant, province_staff)
        sign_agreement(grant, province_staff)
        assert transfer(grant, province_staff).status == GrantStatus.TRANSFERRED

    def test_cancelling_a_draft_frees_its_grants(self, program, province_staff, head):
        grant = award(program, province_staff)
        draft = services.decree_prepare(program=program, signatory=head, by=province_staff)
        services.decree_cancel(decree=draft, by=province_staff, reason="Penanda tangan salah")
        grant.refresh_from_db()
        draft.refresh_from_db()
        assert grant.decree is None and draft.status == DecreeStatus.CANCELLED
        assert rules.grants_without_decree(program).get() == grant

    def test_a_cancelled_signed_decree_keeps_its_number(self, program, province_staff, head):
        award(program, province_staff)
        decree = services.decree_prepare(program=program, signatory=head, by=province_staff)
        decree = services.decree_sign(decree=decree, by=province_staff, signed_on=DAY)
        services.decree_cancel(decree=decree, by=province_staff, reason="Salah tahun anggaran")
        letter = Letter.objects.get()
        assert letter.status == LetterStatus.CANCELLED
        assert letter.cancel_reason == "Salah tahun anggaran"
        again = services.decree_prepare(program=program, signatory=head, by=province_staff)
        again = services.decree_sign(decree=again, by=province_staff, signed_on=DAY)
        assert again.number == "400.9.5/0002/SK-PENERIMA/DINSOS/2026"

    def test_a_decree_whose_aid_went_out_stays(self, program, province_staff, head):
        grant = award(program, province_staff)
        decree = services.decree_prepare(program=program, signatory=head, by=province_staff)
        decree = services.decree_sign(decree=decree, by=province_staff, signed_on=DAY)
        sign_agreement(grant, province_staff)
        transfer(grant, province_staff)
        with pytest.raises(DomainError, match="tetap berlaku"):
            services.decree_cancel(decree=decree, by=province_staff, reason="X")


@pytest.fixture
def decrees(program, province_staff, head):
    """A draft, a signed and a cancelled decree, each with a Paser grant."""
    award(program, province_staff, name="KUBE Dibatalkan")
    cancelled = services.decree_prepare(program=program, signatory=head, by=province_staff)
    cancelled = services.decree_cancel(decree=cancelled, by=province_staff, reason="Ulang")
    signed = services.decree_prepare(program=program, signatory=head, by=province_staff)
    signed = services.decree_sign(decree=signed, by=province_staff, signed_on=DAY)
    award(program, province_staff, name="KUBE Konsep")
    draft = services.decree_prepare(program=program, signatory=head, by=province_staff)
    return {"draft": draft, "signed": signed, "cancelled": cancelled}


def contract(client, everyone, objects, *, url_name, attempt, page=None) -> set:
    accepted = set()
    for persona, user in everyone.items():
        for label, obj in objects.items():
            if assert_contract(
                client,
                user,
                page_url=page or obj.get_absolute_url(),
                action_url=reverse(url_name, args=[obj.pk]),
                attempt=lambda obj=obj, user=user: attempt(obj, user),
            ):
                accepted.add((persona, label))
    return accepted


class TestButtons:
    def test_sign(self, client, everyone, decrees):
        accepted = contract(
            client,
            everyone,
            decrees,
            url_name="grants:decree_sign",
            attempt=lambda d, u: services.decree_sign(decree=d, by=u, signed_on=DAY),
        )
        assert accepted == {("province_staff", "draft")}

    def test_cancel(self, client, everyone, decrees):
        accepted = contract(
            client,
            everyone,
            decrees,
            url_name="grants:decree_cancel",
            attempt=lambda d, u: services.decree_cancel(decree=d, by=u, reason="Salah"),
        )
        assert accepted == {("province_staff", "draft"), ("province_staff", "signed")}

    def test_prepare_from_the_programme_page(self, client, everyone, program, head, decrees):
        award(program, everyone["province_staff"], name="KUBE Baru")
        accepted = contract(
            client,
            everyone,
            {"with a grant not in a decree": program},
            url_name="grants:decree_prepare",
            attempt=lambda p, u: services.decree_prepare(program=p, signatory=head, by=u),
        )
        assert accepted == {("province_staff", "with a grant not in a decree")}

    def test_nothing_to_prepare_no_form(self, client, province_staff, program, head, decrees):
        assert not assert_contract(
            client,
            province_staff,
            page_url=program.get_absolute_url(),
            action_url=reverse("grants:decree_prepare", args=[program.pk]),
            attempt=lambda: services.decree_prepare(
                program=program, signatory=head, by=province_staff
            ),
        )

    def test_the_home_page_counts_the_drafts(self, everyone, decrees):
        for user in everyone.values():
            for decree in decrees.values():
                assert bool(rules.decree_sign(decree=decree, user=user)) == (
                    rules.decrees_to_sign(user).filter(pk=decree.pk).exists()
                )


class TestAttachment:
    def test_number_date_groups_total_in_words_and_the_signature(
        self, program, province_staff, head
    ):
        grant = award(program, province_staff, name="KUBE Amplang Sejahtera")
        award(program, province_staff, "64.03", name="KUBE Bahari Berau")
        decree = services.decree_prepare(program=program, signatory=head, by=province_staff)
        decree = services.decree_sign(decree=decree, by=province_staff, signed_on=DAY)

        text = text_of(pdf.decree_attachment(decree, user=province_staff))

        chair = grant.group.members.get(role="ketua").full_name
        for expected in [
            "LAMPIRAN : KEPUTUSAN KEPALA DINAS SOSIAL PROVINSI KALIMANTAN TIMUR",
            "NOMOR : 400.9.5/0001/SK-PENERIMA/DINSOS/2026",
            "TANGGAL : 12 Januari 2026",
            "TENTANG : PENETAPAN PENERIMA BANTUAN MODAL USAHA KUBE 2026 TAHUN ANGGARAN 2026",
            "KUBE Amplang Sejahtera",
            chair,
            "KUBE Bahari Berau",
            "Jumlah Kabupaten Paser",
            "Jumlah bantuan : Rp40.000.000 (empat puluh juta rupiah)",
            "Ditetapkan di Samarinda pada tanggal 12 Januari 2026 Kepala Dinas Sosial Provinsi "
            "Kalimantan Timur Darmawan Setiadi NIP. 19690512 199403 1 005",
        ]:
            assert expected in text, expected

    def test_a_regency_sees_its_own_groups(self, program, province_staff, berau_officer, head):
        award(program, province_staff, name="KUBE Amplang Sejahtera")
        award(program, province_staff, "64.03", name="KUBE Bahari Berau")
        decree = services.decree_prepare(program=program, signatory=head, by=province_staff)
        text = text_of(pdf.decree_attachment(decree, user=berau_officer))
        assert "KUBE Bahari Berau" in text and "Amplang" not in text
        assert "KONSEP" in text and "nomor diberikan saat ditandatangani" in text

    def test_same_data_same_bytes(self, program, province_staff, head):
        award(program, province_staff)
        decree = services.decree_prepare(program=program, signatory=head, by=province_staff)
        decree = services.decree_sign(decree=decree, by=province_staff, signed_on=DAY)
        first = pdf.decree_attachment(decree, user=province_staff)
        assert pdf.decree_attachment(decree, user=province_staff) == first


class TestPages:
    def test_anonymous_goes_to_login(self, client, decrees):
        signed = decrees["signed"]
        for url in (
            reverse("grants:decree_list"),
            reverse("grants:decree_list_export"),
            signed.get_absolute_url(),
            reverse("grants:decree_attachment_pdf", args=[signed.pk]),
        ):
            assert client.get(url)["Location"].startswith(reverse("accounts:login"))

    def test_post_only_and_unknown(self, client, province_staff, decrees):
        client.force_login(province_staff)
        signed = decrees["signed"]
        assert client.get(reverse("grants:decree_sign", args=[signed.pk])).status_code == 405
        assert client.get(reverse("grants:decree_cancel", args=[signed.pk])).status_code == 405
        assert client.get(reverse("grants:decree_detail", args=[99999])).status_code == 404

    def test_a_regency_officer_reads_but_does_not_act(self, client, paser_officer, decrees):
        client.force_login(paser_officer)
        draft = decrees["draft"]
        assert client.get(draft.get_absolute_url()).status_code == 200
        url = reverse("grants:decree_sign", args=[draft.pk])
        assert client.post(url, {"signed_on": "2026-01-12"}).status_code == 403

    def test_the_list_and_its_export(self, client, province_staff, berau_officer, decrees):
        client.force_login(province_staff)
        page = client.get(reverse("grants:decree_list")).content.decode()
        assert decrees["signed"].number in page and "Konsep SK" in page
        response = client.get(reverse("grants:decree_list_export"), {"status": "signed"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["SK Penerima"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        line = dict(zip(header, rows[0], strict=True))
        assert len(rows) == 1
        assert line["Nomor SK"] == decrees["signed"].number
        assert line["Tanggal SK"] == datetime.datetime(2026, 1, 12)
        assert line["NIP"] == "196905121994031005"
        assert (line["Jumlah Kelompok"], line["Nilai Bantuan (Rp)"]) == (1, 20_000_000)
        client.force_login(berau_officer)  # no Berau group in these decrees
        response = client.get(reverse("grants:decree_list_export"), {"status": "signed"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        (_header, row) = list(sheet.iter_rows(values_only=True))
        assert row[7] == 0 and row[8] == 0

    def test_the_grant_page_says_why_the_aid_waits(self, client, province_staff, program):
        grant = award(program, province_staff)
        client.force_login(province_staff)
        content = client.get(grant.get_absolute_url()).content.decode()
        assert 'id="transfer-refused"' in content
        assert "belum tercantum dalam SK penerima yang telah ditandatangani" in content
        assert reverse("grants:grant_transfer", args=[grant.pk]) not in content
