"""Grant agreements (NPHD): issued with a number from the register for a grant in a signed
decree, printed, signed by both parties and its scan uploaded; no transfer before that; a
wrong one is cancelled and keeps its number."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from core.errors import DomainError, NotAllowed
from core.personal_data import mask
from grants import pdf, rules, services
from grants.models import AgreementStatus, GrantStatus
from letters.models import Letter, LetterStatus
from tests.contract import assert_contract
from tests.factories import UserFactory
from tests.grants.money import eligible_group, open_program, scan, sign_decree

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 19)


@pytest.fixture
def head(db):
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


def awarded(program, staff, regency="64.01", **group):
    return services.grant_award(program=program, group=eligible_group(regency, **group), by=staff)


@pytest.fixture
def grant(program, province_staff):
    """A Paser grant named in a signed decree, its agreement not issued yet."""
    grant = awarded(
        program,
        province_staff,
        name="KUBE Amplang Sejahtera",
        bank_name="Bankaltimtara",
        account_number="0012345678",
    )
    sign_decree(program, province_staff)
    return grant


def issue(grant, by, head, day=DAY):
    return services.agreement_issue(grant=grant, signatory=head, by=by, issued_on=day)


def transfer(grant, staff):
    return services.grant_record_transfer(
        grant=grant, by=staff, transferred_on=datetime.date(2026, 2, 10), reference="SP2D-1"
    )


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


class TestServices:
    def test_issued_with_a_number_from_the_register(self, grant, province_staff, head):
        agreement = issue(grant, province_staff, head)
        assert agreement.number == "400.9.5/0001/NPHD/DINSOS/2026"
        assert (agreement.status, agreement.issued_on, agreement.signatory) == (
            AgreementStatus.ISSUED,
            DAY,
            head,
        )
        letter = agreement.letter
        assert (letter.kind, letter.regency_id, letter.signed_by) == ("agreement", "64.01", head)
        assert grant.agreement == agreement

    def test_only_for_a_grant_in_a_signed_decree_and_once(self, program, province_staff, head):
        grant = awarded(program, province_staff)
        with pytest.raises(DomainError, match="SK penerima"):
            issue(grant, province_staff, head)
        sign_decree(program, province_staff)
        issue(grant, province_staff, head)
        with pytest.raises(DomainError, match="sudah memiliki NPHD"):
            issue(grant, province_staff, head)
        with pytest.raises(DomainError):
            issue(grant, province_staff, head, day=datetime.date(2026, 1, 5))  # before the SK
        assert Letter.objects.filter(kind="agreement").count() == 1

    def test_no_transfer_until_signed_and_uploaded(self, grant, province_staff, head):
        agreement = issue(grant, province_staff, head)
        with pytest.raises(DomainError, match="NPHD belum ditandatangani dan diunggah"):
            transfer(grant, province_staff)
        services.agreement_sign(agreement=agreement, by=province_staff, signed_on=DAY, scan=scan())
        with pytest.raises(DomainError, match="sebelum NPHD ditandatangani"):
            services.grant_record_transfer(
                grant=grant,
                by=province_staff,
                transferred_on=DAY - datetime.timedelta(days=1),
                reference="SP2D-0",
            )
        assert transfer(grant, province_staff).status == GrantStatus.TRANSFERRED

    def test_the_regency_officer_uploads_the_scan_of_their_groups(
        self, grant, province_staff, paser_officer, berau_officer, head
    ):
        agreement = issue(grant, province_staff, head)
        with pytest.raises(NotAllowed):
            services.agreement_sign(
                agreement=agreement, by=berau_officer, signed_on=DAY, scan=scan()
            )
        signed = services.agreement_sign(
            agreement=agreement, by=paser_officer, signed_on=DAY, scan=scan()
        )
        assert signed.status == AgreementStatus.SIGNED and signed.signed_on == DAY
        assert signed.scan.kind == "agreement_scan"
        assert signed.scan.content_type == "application/pdf"
        assert signed.scan.file.read().startswith(b"%PDF")

    def test_the_scan_is_checked_by_its_content_and_date(self, grant, province_staff, head):
        agreement = issue(grant, province_staff, head)
        fake = SimpleUploadedFile("nphd.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        with pytest.raises(DomainError, match="PDF, JPEG, atau PNG"):
            services.agreement_sign(
                agreement=agreement, by=province_staff, signed_on=DAY, scan=fake
            )
        with pytest.raises(DomainError, match="sebelum tanggalnya"):
            services.agreement_sign(
                agreement=agreement,
                by=province_staff,
                signed_on=DAY - datetime.timedelta(days=1),
                scan=scan(),
            )
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.ISSUED and agreement.scan is None

    def test_a_cancelled_agreement_keeps_its_number(self, grant, province_staff, head):
        first = issue(grant, province_staff, head)
        services.agreement_cancel(agreement=first, by=province_staff, reason="Nama ketua salah")
        second = issue(grant, province_staff, head)
        assert second.number == "400.9.5/0002/NPHD/DINSOS/2026"
        letter = Letter.objects.get(sequence=1, kind="agreement")
        assert (letter.status, letter.cancel_reason) == (LetterStatus.CANCELLED, "Nama ketua salah")
        assert grant.agreement == second

    def test_cancelling_the_grant_cancels_its_agreement(self, grant, province_staff, head):
        agreement = issue(grant, province_staff, head)
        services.grant_cancel(grant=grant, by=province_staff, reason="Kelompok bubar")
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.CANCELLED
        assert agreement.letter.status == LetterStatus.CANCELLED
        assert agreement.cancel_reason == "Kelompok bubar"

    def test_no_cancel_once_the_aid_went_out(self, grant, province_staff, head):
        agreement = issue(grant, province_staff, head)
        services.agreement_sign(agreement=agreement, by=province_staff, signed_on=DAY, scan=scan())
        transfer(grant, province_staff)
        with pytest.raises(DomainError, match="sudah disalurkan"):
            services.agreement_cancel(agreement=agreement, by=province_staff, reason="X")


class TestPdf:
    def test_parties_amount_account_rules_duties_and_signatures(self, grant, province_staff, head):
        ketua = grant.group.members.get(role="ketua")
        ketua.full_name = "Siti Aminah"
        ketua.save()
        agreement = issue(grant, province_staff, head)

        text = text_of(pdf.agreement_pdf(agreement))

        grant.refresh_from_db()
        decree = grant.decree
        for expected in [
            "NASKAH PERJANJIAN HIBAH DAERAH (NPHD)",
            "Nomor: 400.9.5/0001/NPHD/DINSOS/2026",
            "Pada hari ini Senin tanggal sembilan belas bulan Januari tahun dua ribu dua puluh "
            "enam (19-01-2026), bertempat di Samarinda",
            "1. Nama : Darmawan Setiadi NIP : 19690512 199403 1 005 Jabatan : Kepala Dinas "
            "Sosial Provinsi Kalimantan Timur",
            "selanjutnya disebut PIHAK PERTAMA",
            f"2. Nama : Siti Aminah NIK : {mask(ketua.nik)} Jabatan : Ketua KUBE Amplang Sejahtera",
            "selanjutnya disebut PIHAK KEDUA",
            f"Nomor {decree.number} tanggal 12 Januari 2026",
            "uang sebesar Rp20.000.000 (dua puluh juta rupiah)",
            "Bank Bankaltimtara nomor rekening 0012345678 atas nama KUBE Amplang Sejahtera",
            "paling banyak 3 tahap; penarikan tahap pertama paling banyak 50 %",
            "laporan perkembangan usaha setiap catur wulan",
            "paling lambat tanggal 10 Januari 2027",
            "Kas Daerah",
            "PIHAK KEDUA, Ketua KUBE Amplang Sejahtera",
            "Siti Aminah",
            "NIP. 19690512 199403 1 005",
        ]:
            assert expected in text, expected

    def test_same_agreement_same_bytes_in_any_language(self, grant, province_staff, head):
        agreement = issue(grant, province_staff, head)
        first = pdf.agreement_pdf(agreement)
        with translation.override("en"):
            assert pdf.agreement_pdf(agreement) == first


@pytest.fixture
def agreements(program, province_staff, head):
    """Paser grants with an agreement issued, one signed, one cancelled (and re-issued),
    and a grant whose aid has gone out."""
    grants = {
        "issued": awarded(program, province_staff, name="KUBE Terbit"),
        "signed": awarded(program, province_staff, name="KUBE Tanda"),
        "transferred": awarded(program, province_staff, name="KUBE Cair"),
    }
    sign_decree(program, province_staff)
    made = {label: issue(grant, province_staff, head) for label, grant in grants.items()}
    for label in ("signed", "transferred"):
        made[label] = services.agreement_sign(
            agreement=made[label], by=province_staff, signed_on=DAY, scan=scan()
        )
    transfer(grants["transferred"], province_staff)
    return made


def contract(client, everyone, objects, *, url_name, attempt) -> set:
    accepted = set()
    for persona, user in everyone.items():
        for label, obj in objects.items():
            if assert_contract(
                client,
                user,
                page_url=obj.grant.get_absolute_url(),
                action_url=reverse(url_name, args=[obj.pk]),
                attempt=lambda obj=obj, user=user: attempt(obj, user),
            ):
                accepted.add((persona, label))
    return accepted


class TestButtons:
    def test_sign(self, client, everyone, agreements):
        accepted = contract(
            client,
            everyone,
            agreements,
            url_name="grants:agreement_sign",
            attempt=lambda a, u: services.agreement_sign(
                agreement=a, by=u, signed_on=DAY, scan=scan()
            ),
        )
        assert accepted == {("province_staff", "issued"), ("paser_officer", "issued")}

    def test_cancel(self, client, everyone, agreements):
        accepted = contract(
            client,
            everyone,
            agreements,
            url_name="grants:agreement_cancel",
            attempt=lambda a, u: services.agreement_cancel(agreement=a, by=u, reason="Salah"),
        )
        assert accepted == {("province_staff", "issued"), ("province_staff", "signed")}

    def test_issue(self, client, everyone, program, province_staff, head, agreements):
        ready = awarded(program, province_staff, name="KUBE Siap")
        sign_decree(program, province_staff)
        waiting = awarded(program, province_staff, name="KUBE Belum SK")
        grants = {"in a signed decree": ready, "not in a decree": waiting}
        for agreement in agreements.values():
            grants[f"agreement {agreement.status}"] = agreement.grant
        accepted = set()
        for persona, user in everyone.items():
            for label, grant in grants.items():
                if assert_contract(
                    client,
                    user,
                    page_url=grant.get_absolute_url(),
                    action_url=reverse("grants:agreement_issue", args=[grant.pk]),
                    attempt=lambda grant=grant, user=user: issue(grant, user, head),
                ):
                    accepted.add((persona, label))
        assert accepted == {("province_staff", "in a signed decree")}

    def test_the_home_page_counts_what_the_rules_allow(self, everyone, agreements):
        for user in everyone.values():
            for agreement in agreements.values():
                agreement.refresh_from_db()
                assert bool(rules.agreement_sign(agreement=agreement, user=user)) == (
                    rules.agreements_to_sign(user).filter(pk=agreement.pk).exists()
                )
                grant = agreement.grant
                assert bool(rules.agreement_issue(grant=grant, user=user)) == (
                    rules.grants_to_issue_agreement(user).filter(pk=grant.pk).exists()
                )


class TestPages:
    def test_upload_from_the_grant_page(self, client, paser_officer, agreements):
        agreement = agreements["issued"]
        client.force_login(paser_officer)
        response = client.post(
            reverse("grants:agreement_sign", args=[agreement.pk]),
            {"signed_on": "2026-01-19", "scan": scan("nphd-terbit.pdf")},
            follow=True,
        )
        content = response.content.decode()
        assert "NPHD yang telah ditandatangani sudah diunggah" in content
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.SIGNED
        assert agreement.scan.get_absolute_url() in content

    def test_the_scan_is_served_only_in_scope(
        self, client, paser_officer, berau_officer, agreements
    ):
        document = agreements["signed"].scan
        client.force_login(paser_officer)
        response = client.get(document.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        client.force_login(berau_officer)
        assert client.get(document.get_absolute_url()).status_code == 404

    def test_the_pdf_page(self, client, paser_officer, berau_officer, agreements):
        url = reverse("grants:agreement_pdf", args=[agreements["issued"].pk])
        assert client.get(url).status_code == 302
        client.force_login(paser_officer)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert client.post(url).status_code == 405
        client.force_login(berau_officer)
        assert client.get(url).status_code == 404

    def test_the_list_and_its_export(self, client, province_staff, berau_officer, agreements):
        client.force_login(province_staff)
        page = client.get(reverse("grants:agreement_list"), {"status": "issued"})
        assert "KUBE Terbit" in page.content.decode()
        assert "KUBE Tanda" not in page.content.decode()
        response = client.get(reverse("grants:agreement_list_export"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["NPHD"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        lines = {row[3]: dict(zip(header, row, strict=True)) for row in rows}
        assert set(lines) == {"KUBE Terbit", "KUBE Tanda", "KUBE Cair"}
        signed = lines["KUBE Tanda"]
        assert signed["Status"] == "Ditandatangani"
        assert signed["Tanggal Ditandatangani"] == datetime.datetime(2026, 1, 19)
        assert signed["NIP Pihak Pertama"] == "196905121994031005"
        assert signed["Pindaian"] == "nphd-ditandatangani.pdf"
        client.force_login(berau_officer)
        response = client.get(reverse("grants:agreement_list_export"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert len(list(sheet.iter_rows(values_only=True))) == 1  # the header only

    def test_the_grant_page_says_the_nphd_is_missing(self, client, province_staff, agreements):
        grant = agreements["issued"].grant
        client.force_login(province_staff)
        content = client.get(grant.get_absolute_url()).content.decode()
        assert "NPHD belum ditandatangani dan diunggah" in content
        assert reverse("grants:agreement_pdf", args=[agreements["issued"].pk]) in content

    def test_the_grant_list_export_names_each_grants_agreement(
        self, client, province_staff, agreements
    ):
        """The grant list looks the agreement up for its page's rows only; its export
        still carries every grant's agreement number and date."""
        client.force_login(province_staff)
        response = client.get(reverse("grants:grant_list_export"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Hibah"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        lines = {
            row[header.index("Nama Kelompok")]: dict(zip(header, row, strict=True)) for row in rows
        }
        for name in ("KUBE Terbit", "KUBE Tanda"):
            agreement = agreements["issued" if name == "KUBE Terbit" else "signed"]
            assert lines[name]["No. NPHD"] == agreement.letter.number
            assert lines[name]["Tanggal NPHD"].date() == agreement.issued_on

    def test_every_page_of_the_grant_list_shows_its_own_rows(
        self, client, province_staff, agreements
    ):
        client.force_login(province_staff)
        shown = []
        for page in (1, 2, 3):
            content = client.get(
                reverse("grants:grant_list"), {"per_page": 1, "page": page, "sort": "pk"}
            ).content.decode()
            shown += [
                name for name in ("KUBE Terbit", "KUBE Tanda", "KUBE Cair") if name in content
            ]
        assert sorted(shown) == ["KUBE Cair", "KUBE Tanda", "KUBE Terbit"]
