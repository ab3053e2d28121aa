"""The attendance list to sign on paper (daftar hadir), read back with pypdf."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import ProgramFactory, TrainingSessionFactory, group_with_members
from training import pdf
from training.selectors import attendance_sheet

pytestmark = pytest.mark.django_db


def text_of(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def session(kaltim):
    groups = [
        group_with_members(5, name="KUBE Amplang Sejahtera", status="eligible"),
        group_with_members(5, name="KUBE Anyaman Rotan", status="eligible"),
    ]
    return TrainingSessionFactory(
        program=ProgramFactory(name="Bantuan Modal Usaha KUBE 2026"),
        title="Pelatihan Kewirausahaan KUBE Kabupaten Paser",
        topic="Pengelolaan usaha dan tata cara pencairan dana hibah",
        start_date=datetime.date(2026, 7, 29),
        end_date=datetime.date(2026, 7, 29),
        venue="Gedung Perempuan Berjaya, Paser",
        facilitator="Dra. Hj. Nurlaila, M.Si.",
        groups=groups,
    )


def test_the_list_names_the_session_and_every_member_to_sign(session, province_staff):
    rows = attendance_sheet(session=session, user=province_staff)
    text = text_of(pdf.attendance_list(session, rows))
    for expected in [
        "PEMERINTAH PROVINSI KALIMANTAN TIMUR",
        "DAFTAR HADIR PESERTA",
        "PELATIHAN KEWIRAUSAHAAN KUBE KABUPATEN PASER",
        "Hari/Tanggal : 29 Juli 2026",
        "Tempat : Gedung Perempuan Berjaya, Paser",
        "Kabupaten/Kota : Kabupaten Paser",
        "No. Nama Kelompok Jabatan Tanda tangan",
        "Jumlah peserta dalam daftar: 10 orang.",
        "Paser, 29 Juli 2026",
        "Dra. Hj. Nurlaila, M.Si.",
    ]:
        assert expected in text, expected
    for row in rows:
        assert row.member.full_name in text
    assert text.count("KUBE Amplang Sejahtera") == 5
    assert "Ketua" in text


def test_the_same_session_gives_the_same_bytes(session, province_staff):
    rows = attendance_sheet(session=session, user=province_staff)
    assert pdf.attendance_list(session, rows) == pdf.attendance_list(session, rows)


def test_a_long_list_runs_over_pages_with_numbers(kaltim, province_staff):
    groups = [group_with_members(20, status="eligible") for _ in range(4)]
    session = TrainingSessionFactory(program=ProgramFactory(), groups=groups)
    rows = attendance_sheet(session=session, user=province_staff)
    document = pdf.attendance_list(session, rows)
    pages = PdfReader(io.BytesIO(document)).pages
    assert len(pages) >= 3
    assert f"Halaman 1 dari {len(pages)}" in text_of(document)


def test_an_officer_prints_only_their_regencys_members(client, kaltim, berau_officer):
    paser = group_with_members(5, name="KUBE Paser Maju", status="eligible")
    berau = group_with_members(5, name="KUBE Berau Jaya", regency_id="64.03", status="eligible")
    session = TrainingSessionFactory(
        program=ProgramFactory(), regency_id=None, groups=[paser, berau]
    )
    client.force_login(berau_officer)
    response = client.get(reverse("training:attendance_pdf", args=[session.pk]))
    text = text_of(response.content)
    assert "KUBE Berau Jaya" in text and "KUBE Paser Maju" not in text
    assert "Tingkat provinsi" in text and "Samarinda," in text
