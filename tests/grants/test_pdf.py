"""The PDF documents: a tranche's approval letter and a grant's summary, and their views.

The text is read back out of the rendered bytes with pypdf (a dev dependency): the fonts are
embedded as subsets, so the page content holds glyph ids, not the letters themselves, and only
a real PDF reader (through the font's ToUnicode map) can say what a reader will see.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from grants import pdf, services
from grants.models import Program, ProgramQuota, Tranche
from groups.models import BusinessGroup, GroupStatus
from tests.factories import group_with_members
from tests.grants.money import record_transfer

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


# Local helpers (tests/factories.py has no grant factories yet) -------------------------


def open_program():
    program = Program.objects.create(
        name="Bantuan Modal Usaha KUBE 2026",
        fiscal_year=2026,
        total_budget=3_500_000_000,
        default_amount=20_000_000,
        status="open",
        # Later tranches here need no progress reports (the reports app's gate).
        tranche_needs_report=False,
        spending_share_percent=0,
    )
    ProgramQuota.objects.create(program=program, regency_id="64.01", group_count=35)
    ProgramQuota.objects.create(program=program, regency_id="64.03", group_count=16)
    return program


def transferred_grant(*, program, by, **group_fields):
    group = group_with_members(4, **group_fields)
    BusinessGroup.objects.filter(pk=group.pk).update(status=GroupStatus.ELIGIBLE)
    group.refresh_from_db()
    grant = services.grant_award(program=program, group=group, by=by)
    return record_transfer(
        grant=grant,
        by=by,
        transferred_on=datetime.date(2026, 2, 10),
        reference="SP2D/00107/LS/2026",
    )


def backdate(tranche, *, requested, decided):
    """Move the request and the decision into the past (the services stamp `now`)."""
    Tranche.objects.filter(pk=tranche.pk).update(requested_at=requested, decided_at=decided)
    tranche.refresh_from_db()
    return tranche


def text_of(document: bytes) -> str:
    """What a reader sees, with all whitespace (line breaks included) as single spaces."""
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def program(kaltim):
    return open_program()


@pytest.fixture
def grant(program, province_staff):
    grant = transferred_grant(
        program=program,
        by=province_staff,
        name="KUBE Amplang Sejahtera",
        bank_name="Bankaltimtara",
        account_number="0012345678",
    )
    # The ketua is named on the letter.
    ketua = grant.group.members.get(role="ketua")
    ketua.full_name = "Siti Aminah"
    ketua.save()
    return grant


@pytest.fixture
def approved(grant, paser_officer, approver):
    """Tranche 1, Rp10.000.000, requested by Siti Rahmawati (Paser) on 12 August 2026 and
    approved by Hendra Saputra on 17 August 2026."""
    approver.last_name, paser_officer.last_name = "Saputra", "Rahmawati"
    approver.position = "Kepala Bidang Perlindungan dan Jaminan Sosial"
    approver.nip = "198001012005031001"
    approver.save()
    paser_officer.save()
    tranche = services.tranche_request(
        grant=grant,
        amount=10_000_000,
        purpose="Pembelian bahan baku ikan pipih dan kemasan amplang",
        by=paser_officer,
    )
    tranche = services.tranche_approve(tranche=tranche, by=approver)
    return backdate(
        tranche,
        requested=datetime.datetime(2026, 8, 12, 9, 15, tzinfo=WITA),
        decided=datetime.datetime(2026, 8, 17, 10, 30, tzinfo=WITA),
    )


def withdraw(tranche, by, day=datetime.date(2026, 8, 20)):
    return services.tranche_mark_withdrawn(
        tranche=tranche, by=by, withdrawn_on=day, reference=f"TRX-{tranche.sequence}"
    )


# The approval letter -------------------------------------------------------------------


class TestLetter:
    def test_says_what_was_approved_for_whom_in_figures_and_words(self, approved):
        text = text_of(pdf.tranche_approval_letter(approved))

        for expected in [
            "PEMERINTAH PROVINSI KALIMANTAN TIMUR",
            "DINAS SOSIAL",
            "SURAT PERSETUJUAN PENCAIRAN DANA HIBAH TAHAP 1",
            f"Nomor: {pdf.letter_number(approved)}",
            "permohonan pencairan tanggal 12 Agustus 2026 yang diajukan oleh Siti Rahmawati "
            "(Dinas Sosial Kabupaten Paser)",
            # The group, its ketua and its bank account.
            "Nama kelompok : KUBE Amplang Sejahtera",
            f"Nomor registrasi : {approved.grant.group.registration_number}",
            "Kabupaten/Kota : Kabupaten Paser",
            "Ketua kelompok : Siti Aminah",
            "Bank : Bankaltimtara",
            "Nomor rekening : 0012345678",
            "Atas nama : KUBE Amplang Sejahtera",
            # The programme, the agreement, the amount and what it is for.
            "Program : Bantuan Modal Usaha KUBE 2026 (Tahun Anggaran 2026)",
            "Nomor NPHD : 400.9.5/0001/NPHD/DINSOS/2026, tanggal 19 Januari 2026",
            "Jumlah pencairan : Rp10.000.000 (sepuluh juta rupiah)",
            "Keperluan : Pembelian bahan baku ikan pipih dan kemasan amplang",
            "Nilai hibah Rp20.000.000; telah dicairkan sebelum tahap ini Rp0; sisa hibah "
            "setelah pencairan tahap ini Rp10.000.000.",
            # Signed by the approver on the decision date, with position and NIP.
            "Samarinda, 17 Agustus 2026 Yang menyetujui, Kepala Bidang Perlindungan dan "
            "Jaminan Sosial Hendra Saputra NIP. 19800101 200503 1 001",
            "Kepala Dinas Sosial Kabupaten Paser",
        ]:
            assert expected in text, expected

    def test_takes_its_number_from_the_register_at_the_approval(self, approved, approver):
        letter = approved.letter
        assert letter.number == "400.9.5/0001/PENCAIRAN/DINSOS/2026"
        assert pdf.letter_number(approved) == letter.number
        assert (letter.kind, letter.signed_by, letter.regency_id) == (
            "tranche_letter",
            approver,
            "64.01",
        )
        assert letter.subject == (
            "Persetujuan pencairan dana hibah tahap 1 KUBE Amplang Sejahtera "
            f"({approved.grant.group.registration_number})"
        )

    def test_is_in_indonesian_whatever_the_users_language(self, approved):
        indonesian = pdf.tranche_approval_letter(approved)
        with translation.override("en"):
            assert pdf.tranche_approval_letter(approved) == indonesian

    def test_same_data_gives_the_same_bytes(self, approved):
        first = pdf.tranche_approval_letter(approved)

        assert first.startswith(b"%PDF-")
        assert pdf.tranche_approval_letter(approved) == first
        reader = PdfReader(io.BytesIO(first))
        assert reader.metadata.creation_date.date() == datetime.date(2026, 8, 17)
        assert reader.metadata.title == "Surat Persetujuan Pencairan Dana Hibah Tahap 1"
        # The font travels with the file: DejaVu Sans, embedded as a subset.
        fonts = [font["/BaseFont"] for font in reader.pages[0]["/Resources"]["/Font"].values()]
        assert len(fonts) == 2 and all("+DejaVuSans" in name for name in fonts), fonts
        assert first.count(b"/FontFile2") == 2

    def test_a_letter_printed_again_later_says_the_same(self, approved, paser_officer):
        before = pdf.tranche_approval_letter(approved)

        withdraw(approved, paser_officer)
        services.tranche_request(
            grant=approved.grant, amount=5_000_000, purpose="Etalase", by=paser_officer
        )

        approved.refresh_from_db()
        assert pdf.tranche_approval_letter(approved) == before

    def test_a_later_tranche_counts_what_was_withdrawn_before(
        self, approved, paser_officer, approver
    ):
        withdraw(approved, paser_officer)
        second = services.tranche_request(
            grant=approved.grant,
            amount=6_000_000,
            purpose="Etalase kaca dan freezer",
            by=paser_officer,
        )
        second = services.tranche_approve(tranche=second, by=approver, note="Nota lengkap.")

        text = text_of(pdf.tranche_approval_letter(second))

        assert "SURAT PERSETUJUAN PENCAIRAN DANA HIBAH TAHAP 2" in text
        assert "Jumlah pencairan : Rp6.000.000 (enam juta rupiah)" in text
        assert "Catatan : Nota lengkap." in text
        assert (
            "telah dicairkan sebelum tahap ini Rp10.000.000; sisa hibah setelah pencairan "
            "tahap ini Rp4.000.000." in text
        )

    def test_refused_for_a_tranche_that_was_not_approved(self, grant, paser_officer, approver):
        tranche = services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Bahan baku", by=paser_officer
        )
        with pytest.raises(ValueError, match="requested"):
            pdf.tranche_approval_letter(tranche)

        services.tranche_reject(tranche=tranche, by=approver, reason="Rincian belum ada.")
        tranche.refresh_from_db()
        with pytest.raises(ValueError, match="rejected"):
            pdf.tranche_approval_letter(tranche)


# The grant summary ---------------------------------------------------------------------


class TestSummary:
    def test_lists_the_tranches_and_the_totals_in_figures_and_words(
        self, approved, paser_officer, approver
    ):
        withdraw(approved, paser_officer)
        rejected = services.tranche_request(
            grant=approved.grant, amount=4_000_000, purpose="Etalase", by=paser_officer
        )
        services.tranche_reject(tranche=rejected, by=approver, reason="Nota belum lengkap.")
        services.tranche_request(
            grant=approved.grant, amount=6_000_000, purpose="Etalase kaca", by=paser_officer
        )

        text = text_of(pdf.grant_summary(approved.grant))

        assert "RINGKASAN DANA HIBAH" in text
        assert "Nomor NPHD : 400.9.5/0001/NPHD/DINSOS/2026, tanggal 19 Januari 2026" in text
        assert "Ditransfer : 10 Februari 2026 (ref. SP2D/00107/LS/2026)" in text
        assert "No. Tanggal pengajuan Jumlah Status Diputuskan oleh Ditarik" in text
        assert "Rp10.000.000 Dicairkan Hendra Saputra 20 Agustus 2026" in text
        assert "Rp4.000.000 Ditolak Hendra Saputra -" in text
        assert "Rp6.000.000 Diajukan - -" in text
        assert "Nilai hibah : Rp20.000.000 (dua puluh juta rupiah)" in text
        assert "Telah dicairkan : Rp10.000.000 (sepuluh juta rupiah)" in text
        assert "Dalam proses : Rp6.000.000 (enam juta rupiah)" in text
        assert "Belum diajukan : Rp4.000.000 (empat juta rupiah)" in text

    def test_a_grant_without_tranches(self, grant):
        text = text_of(pdf.grant_summary(grant))

        assert "Belum ada pencairan yang diajukan." in text
        assert "Telah dicairkan : Rp0 (nol rupiah)" in text
        assert "Belum diajukan : Rp20.000.000 (dua puluh juta rupiah)" in text

    def test_same_data_gives_the_same_bytes(self, approved):
        first = pdf.grant_summary(approved.grant)

        assert pdf.grant_summary(approved.grant) == first
        with translation.override("en"):
            assert pdf.grant_summary(approved.grant) == first


# The views ----------------------------------------------------------------------------


def letter_url(tranche):
    return reverse("grants:tranche_letter", args=[tranche.pk])


def summary_url(grant):
    return reverse("grants:grant_summary_pdf", args=[grant.pk])


class TestViews:
    @pytest.mark.parametrize("persona", ["approver", "paser_officer", "province_staff"])
    def test_letter_and_summary_for_those_who_see_the_grant(
        self, client, personas, approved, persona
    ):
        client.force_login(personas[persona])

        letter = client.get(letter_url(approved))
        summary = client.get(summary_url(approved.grant))

        number = approved.grant.group.registration_number
        assert letter.status_code == 200
        assert letter["Content-Type"] == "application/pdf"
        assert letter["Content-Disposition"] == (
            f'inline; filename="surat-persetujuan-tahap-1-{number}.pdf"'
        )
        assert letter.content == pdf.tranche_approval_letter(approved)
        assert summary.status_code == 200
        assert summary["Content-Type"] == "application/pdf"
        assert summary["Content-Disposition"] == f'inline; filename="ringkasan-hibah-{number}.pdf"'
        assert summary.content == pdf.grant_summary(approved.grant)

    def test_another_regency_gets_404(self, client, berau_officer, approved):
        client.force_login(berau_officer)

        assert client.get(letter_url(approved)).status_code == 404
        assert client.get(summary_url(approved.grant)).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, approved):
        for url in (letter_url(approved), summary_url(approved.grant)):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))

    def test_no_letter_for_a_tranche_not_yet_approved(self, client, approver, grant, paser_officer):
        tranche = services.tranche_request(
            grant=grant, amount=5_000_000, purpose="Bahan baku", by=paser_officer
        )
        client.force_login(approver)

        assert client.get(letter_url(tranche)).status_code == 404

    def test_post_is_not_allowed(self, client, approver, approved):
        client.force_login(approver)

        assert client.post(letter_url(approved)).status_code == 405
        assert client.post(summary_url(approved.grant)).status_code == 405
