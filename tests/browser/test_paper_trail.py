"""The whole paper trail of one group in a browser, as the office works it: the recipients'
decree, the grant agreement (NPHD) signed and uploaded, the transfer, a tranche, its
spending with receipts, accepted, a second tranche, and the LPJ as a PDF; and each refusal
on the way, with its Indonesian message on the page: a transfer without the NPHD, a second
tranche while the first's spending is not accepted, and the verification of a group whose
five members share one family card and one of whom is in DTSEN decile 7.

Elements are found by id, name and link target where a label could change; the messages
are read as the user reads them, in Indonesian.
"""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from grants import services
from grants.models import Decree, Grant
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import UserFactory, group_with_members
from tests.grants.money import eligible_group, open_program

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(name, data, mime):
    return {"name": name, "mimeType": mime, "buffer": data}


@pytest.fixture
def head(db):
    """The head of the provincial office: signs the decree and the NPHD."""
    return UserFactory(
        username="darmawan",
        first_name="Darmawan",
        last_name="Setiadi",
        role="approver",
        position="Kepala Dinas Sosial Provinsi Kalimantan Timur",
        nip="196905121994031005",
    )


@pytest.fixture
def grant(kaltim, province_staff, head):
    """An awarded Paser grant of Rp20.000.000 in a programme that asks for the whole first
    tranche's spending before the next one."""
    program = open_program(spending_share_percent=100)
    group = eligible_group("64.01", name="KUBE Amplang Sejahtera")
    return services.grant_award(program=program, group=group, by=province_staff)


def test_the_paper_trail_of_one_group(
    new_page, grant, head, province_staff, paser_officer, approver, paser_head
):
    # --- Verification: a group the register says is one poor household, not a KUBE -------------
    family = group_with_members(5, name="KUBE Satu Keluarga")
    family.members.update(kk_number="6401011203240077")
    member = family.members.filter(role="anggota").first()
    member.decile = 7
    member.save()

    staff = new_page()
    login(staff, province_staff.username, PASSWORD)
    staff.goto(family.get_absolute_url())
    checks = staff.locator("#verification-checks")
    expect(checks).to_contain_text("Sekurang-kurangnya 5 rumah tangga (No. KK yang berbeda): 1")
    expect(checks).to_contain_text(
        "Setiap anggota pada desil DTSEN 4 atau lebih rendah: tertinggi 7"
    )
    problems = staff.locator("#verification-problems")
    expect(problems).to_contain_text(
        "Anggota berasal dari 1 rumah tangga (No. KK); KUBE memerlukan sekurang-kurangnya 5."
    )
    expect(problems).to_contain_text("1 anggota di atas desil DTSEN 4 (tertinggi: 7)")
    expect(staff.locator("form[action$='/verifikasi/']")).to_have_count(0)  # not offered
    screenshot(staff, "paper-verification-refused")

    # --- The recipients' decree (SK), prepared and signed --------------------------------------
    staff.goto(grant.program.get_absolute_url())
    expect(staff.locator("#decree-waiting")).to_contain_text("1 hibah belum tercantum dalam SK")
    staff.locator("#decree-prepare select[name=signatory]").select_option(str(head.pk))
    staff.locator("#decree-prepare button[type=submit]").click()
    expect(staff.get_by_text("Konsep SK mencantumkan 1 hibah")).to_be_visible()
    staff.locator("#decree-sign button[type=submit]").click()
    decree = Decree.objects.get()
    expect(
        staff.get_by_text(f"SK telah ditandatangani: nomor {decree.letter.number}")
    ).to_be_visible()
    assert decree.number == f"400.9.5/0001/SK-PENERIMA/DINSOS/{decree.signed_on.year}"
    attachment = staff.request.get(staff.locator("#decree-attachment").get_attribute("href"))
    assert attachment.headers["content-type"] == "application/pdf"

    # --- No transfer without the NPHD: the page says why ---------------------------------------
    staff.goto(grant.get_absolute_url())
    expect(staff.locator("#transfer-refused")).to_contain_text(
        "NPHD belum ditandatangani dan diunggah."
    )
    expect(staff.locator("form[action$='/transfer/']")).to_have_count(0)
    screenshot(staff, "paper-transfer-refused")

    # --- The NPHD: issued from the register, printed, signed and uploaded ----------------------
    staff.locator("#agreement-issue select[name=signatory]").select_option(str(head.pk))
    staff.locator("#agreement-issue button[type=submit]").click()
    expect(staff.get_by_text("telah diterbitkan: cetak untuk ditandatangani")).to_be_visible()
    nphd = staff.request.get(staff.locator("#agreement-pdf").get_attribute("href"))
    text = " ".join(PdfReader(io.BytesIO(nphd.body())).pages[0].extract_text().split())
    assert "Rp20.000.000 (dua puluh juta rupiah)" in text
    staff.locator("#agreement-sign input[name=scan]").set_input_files(
        upload("nphd-ditandatangani.pdf", PDF, "application/pdf")
    )
    staff.locator("#agreement-sign button[type=submit]").click()
    expect(staff.get_by_text("NPHD yang telah ditandatangani sudah diunggah.")).to_be_visible()

    # --- The transfer --------------------------------------------------------------------------
    staff.locator("#transfer input[name=reference]").fill("SP2D-LS/0007/BPKAD/2026")
    staff.locator("#transfer button[type=submit]").click()
    expect(staff.get_by_text("Transfer telah dicatat.")).to_be_visible()

    # --- Tranche 1: requested, approved, withdrawn ---------------------------------------------
    officer = new_page()
    login(officer, paser_officer.username, PASSWORD)
    officer.goto(grant.get_absolute_url())
    officer.locator(f"a[href$='/{grant.pk}/ajukan-tahap/']").click()
    officer.locator("input[name=amount]").fill("10.000.000")
    officer.locator("textarea[name=purpose]").fill("Bahan baku ikan pipih dan kemasan")
    officer.locator("form:has(textarea[name=purpose]) button[type=submit]").click()
    expect(officer.get_by_text("Tahap 1 telah diajukan")).to_be_visible()

    desk = new_page()
    login(desk, approver.username, PASSWORD)
    desk.goto("/hibah/antrean/")
    row = desk.locator("tr", has_text=grant.group.name)
    row.locator("details.decide summary").first.click()
    row.locator("form[action$='/setujui/'] button[type=submit]").click()
    expect(desk.get_by_text(f"Tahap 1 {grant.group.name} telah disetujui.")).to_be_visible()

    officer.goto(grant.get_absolute_url())
    row = officer.locator("#tranches tr", has_text="Rp10.000.000")
    row.locator("details.decide summary").click()
    row.locator("input[name=reference]").fill("TRX-0001")
    row.locator("form[action$='/dicairkan/'] button[type=submit]").click()
    expect(officer.get_by_text("Pencairan tahap 1 telah dicatat.")).to_be_visible()

    # --- Tranche 2 waits for the first's spending ----------------------------------------------
    expect(officer.locator("#request-refused")).to_contain_text(
        "Pertanggungjawaban belanja tahap 1 belum diterima (Sedang dicatat)"
    )
    expect(officer.locator(f"a[href$='/{grant.pk}/ajukan-tahap/']")).to_have_count(0)
    screenshot(officer, "paper-second-tranche-refused")

    # --- The spending of tranche 1, with a receipt per purchase --------------------------------
    officer.locator("#tranches a[href*='/belanja/']").click()
    for item, amount, supplier in [
        ("Ikan pipih", "6.000.000", "TPI Tanah Grogot"),
        ("Kemasan plastik berlabel", "4.000.000", "Toko Sumber Rezeki"),
    ]:
        form = officer.locator("#spending-add form")
        form.locator("input[name=item]").fill(item)
        form.locator("input[name=quantity]").fill("10")
        form.locator("input[name=unit]").fill("paket")
        form.locator("input[name=amount]").fill(amount)
        form.locator("input[name=supplier]").fill(supplier)
        form.locator("input[name=receipt]").set_input_files(
            upload(f"nota-{amount}.png", PNG, "image/png")
        )
        form.locator("button[type=submit]").click()
        expect(officer.get_by_text("Belanja telah dicatat beserta buktinya.")).to_be_visible()
    expect(officer.locator("#spending-balance")).to_contain_text("Rp10.000.000")
    officer.locator("form[action$='/serahkan/'] button").click()
    expect(
        officer.get_by_text("Pertanggungjawaban belanja diserahkan untuk diperiksa.")
    ).to_be_visible()
    spending_url = officer.url
    screenshot(officer, "paper-spending-submitted")

    # --- Accepted by the head of the regency office --------------------------------------------
    head_page = new_page()
    login(head_page, paser_head.username, PASSWORD)
    head_page.goto(spending_url)
    head_page.locator("form[action$='/terima/'] button").click()
    expect(head_page.get_by_text("Pertanggungjawaban belanja diterima.")).to_be_visible()

    # --- Tranche 2 -----------------------------------------------------------------------------
    officer.goto(grant.get_absolute_url())
    expect(officer.locator("#accounted")).to_contain_text(
        "Dari yang sudah dicairkan, Rp10.000.000 telah dipertanggungjawabkan"
    )
    officer.locator(f"a[href$='/{grant.pk}/ajukan-tahap/']").click()
    officer.locator("input[name=amount]").fill("10.000.000")
    officer.locator("textarea[name=purpose]").fill("Mesin sealer dan kompor dua tungku")
    officer.locator("form:has(textarea[name=purpose]) button[type=submit]").click()
    expect(officer.get_by_text("Tahap 2 telah diajukan")).to_be_visible()
    screenshot(officer, "paper-second-tranche")

    # --- The LPJ of the year as a PDF ----------------------------------------------------------
    grant = Grant.objects.get(pk=grant.pk)
    year = grant.transferred_on.year
    officer.goto(f"/laporan/kelompok/{grant.group_id}/lpj/{year}/")
    expect(officer.locator("#lpj-money")).to_contain_text("Rp10.000.000")
    lpj = officer.request.get(officer.locator("#lpj-pdf").get_attribute("href"))
    assert lpj.status == 200 and lpj.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(lpj.body())).pages
    )
    assert f"TAHUN {year}" in text and grant.group.name in text
    assert "Ikan pipih" in text and "Kemasan plastik berlabel" in text
    assert "Dipertanggungjawabkan : Rp10.000.000 (sepuluh juta rupiah)" in text
    assert grant.agreement.number in text and decree.number in text
    screenshot(officer, "paper-lpj")
