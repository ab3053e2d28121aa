"""Four working days in a browser, each a journey one person could follow step by step,
with a screenshot per step under artifacts/journeys/<journey>/NN-step.png:

1. province staff set up a programme, register a group (a malformed NIK and a NIK already in
   another group are refused in the error summary), verify it, declare it eligible, award it
   from its page, sign the decree and the NPHD, and record the transfer;
2. the Paser officer, on a 390 px phone, requests a first tranche (an amount above the
   grant is refused), logs a visit with a photo and submits the catur wulan report after
   fixing the error it showed; a Berau group's address gives 404;
3. the approver rejects one request with a reason, approves another from the queue and
   downloads its letter; a request of his own shows why it cannot be decided, and is refused;
4. the head of the Paser office returns a report (not without a reason; a Berau report's
   address gives 404) and the officer, on her phone, reads why.

Elements are found by id, name and link target; messages are read in Indonesian, as the
user reads them.
"""

import datetime
import io

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import Role
from grants import services as grant_services
from grants.models import Grant, Program, Tranche
from reports import services as report_services
from reports.periods import periods_owed
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_training_visit import small_png
from tests.factories import TrancheFactory, UserFactory, group_with_members
from tests.grants.money import eligible_group, open_program, record_transfer

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEYS = settings.BASE_DIR / "artifacts" / "journeys"
DESK = {"width": 1366, "height": 800}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Steps:
    """Numbered screenshots of one journey: artifacts/journeys/<journey>/NN-step.png."""

    def __init__(self, journey: str):
        self.folder = JOURNEYS / journey
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def shot(self, page, step: str, *, full_page=False):
        page.wait_for_load_state()
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=path, full_page=full_page)
        return path


def post_status(page, url: str) -> int:
    """The status of a POST sent with the page's cookies and CSRF token, as a form would
    send it (the redirect, if any, not followed)."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    answer = page.request.post(
        url,
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
        max_redirects=0,
    )
    return answer.status


@pytest.fixture
def head(db):
    """The head of the provincial office: signs the decree and the NPHD."""
    return UserFactory(
        username="darmawan",
        first_name="Darmawan",
        last_name="Setiadi",
        role=Role.APPROVER,
        position="Kepala Dinas Sosial Provinsi Kalimantan Timur",
        nip="196905121994031005",
    )


# --- 1. Province staff: from a new programme to a transferred grant -------------------------

MEMBERS = [
    ("6401045203880001", "6401041203240001", "Siti Aminah", "P", "12/03/1988", "ketua"),
    ("6401041105900002", "6401041203240002", "Ahmad Yani", "L", "11/05/1990", "sekretaris"),
    ("6401046708920003", "6401041203240003", "Rina Marlina", "P", "27/08/1992", "bendahara"),
    ("6401040101850004", "6401041203240004", "Budi Hartono", "L", "01/01/1985", "anggota"),
    ("6401041212800005", "6401041203240005", "Joko Susilo", "L", "12/12/1980", "anggota"),
]


def test_province_staff_set_up_a_programme_and_bring_a_group_to_its_transfer(
    new_page, kaltim, province_staff, head
):
    steps = Steps("1-staf-provinsi")
    elsewhere = group_with_members(  # another Paser group, numbered outside the counter
        5, name="KUBE Sinar Pagi", registration_number="64.01-2024-0901"
    )
    taken_nik = elsewhere.members.order_by("pk").first().nik
    year = timezone.localdate().year

    page = new_page(viewport=DESK)
    sign_in(page, province_staff)
    steps.shot(page, "beranda")

    # The programme, its budget, its rules and Paser's quota.
    page.goto("/hibah/program/")
    page.locator("a[href$='/program/baru/']").first.click()
    page.locator("#id_name").fill(f"Bantuan Modal Usaha KUBE {year}")
    page.locator("#id_fiscal_year").fill(str(year))
    page.locator("#id_aid_form").select_option("cash")
    page.locator("#id_total_budget").fill("700.000.000")
    page.locator("#id_default_amount").fill("20.000.000")
    page.locator("#id_quotas-0-regency").select_option("64.01")
    page.locator("#id_quotas-0-group_count").fill("35")
    steps.shot(page, "program-baru", full_page=True)
    page.locator("#program-form button[type=submit]").click()
    page.locator("form[action$='/buka/'] button[type=submit]").click()
    program = Program.objects.get(fiscal_year=year, name__startswith="Bantuan")
    assert program.status == "open" and program.total_budget == 700_000_000
    expect(page.locator("#budget")).to_contain_text("Rp700.000.000")
    steps.shot(page, "program-dibuka")

    # A group, first with two NIKs the register refuses.
    page.goto("/kelompok/")
    page.locator("a[href$='/kelompok/baru/']").first.click()
    page.locator("#id_name").fill("KUBE Lestari Grogot")
    page.locator("#id_sector").select_option("food")
    page.locator("#id_regency").select_option("64.01")
    page.locator("#id_district").select_option("64.01.04")
    page.locator("#id_village").select_option("64.01.04.1001")
    page.locator("#id_address").fill("Jl. Kusuma Bangsa No. 3")
    page.locator("#id_date_formed").fill("02/05/2024")
    page.locator("#id_bank_name").fill("Bankaltimtara")
    page.locator("#id_account_number").fill("0012345678")
    page.locator("#id_account_holder").fill("KUBE Lestari Grogot")
    for i, (nik, kk, name, sex, birth, role) in enumerate(MEMBERS):
        page.locator(f"#id_members-{i}-nik").fill(nik)
        page.locator(f"#id_members-{i}-kk_number").fill(kk)
        page.locator(f"#id_members-{i}-full_name").fill(name)
        page.locator(f"#id_members-{i}-sex").select_option(sex)
        page.locator(f"#id_members-{i}-birth_date").fill(birth)
        page.locator(f"#id_members-{i}-role").select_option(role)
        page.locator(f"#id_members-{i}-decile").fill("2")
    page.locator("#id_members-3-nik").fill("640104010185")  # twelve digits
    save = page.locator("form:has(#id_name) button[type=submit]")
    save.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Baris 4, NIK: NIK harus terdiri dari 16 digit angka.")
    steps.shot(page, "nik-salah-ditolak")

    page.locator("#id_members-3-nik").fill(MEMBERS[3][0])
    page.locator("#id_members-4-nik").fill(taken_nik)
    save.click()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("KUBE Sinar Pagi")
    steps.shot(page, "nik-kelompok-lain-ditolak")
    assert not Grant.objects.exists() and elsewhere.members.filter(nik=taken_nik).count() == 1

    page.locator("#id_members-4-nik").fill(MEMBERS[4][0])
    save.click()
    expect(page.get_by_text("Kelompok KUBE Lestari Grogot telah disimpan.")).to_be_visible()
    steps.shot(page, "kelompok-tersimpan")

    # Verified, declared eligible and awarded from its page.
    page.locator("form[action$='/verifikasi/'] button[type=submit]").click()
    expect(page.locator("form[action$='/layak/'] button[type=submit]")).to_be_visible()
    page.locator("form[action$='/layak/'] button[type=submit]").click()
    award = page.locator(f"a[href*='/hibah/program/{program.pk}/']")
    expect(award).to_be_visible()
    steps.shot(page, "kelompok-layak")
    award.click()
    form = page.locator("#award-one")
    expect(form.locator("input[name=amount]")).to_have_value("20.000.000")
    steps.shot(page, "beri-hibah")
    form.locator("button[type=submit]").click()
    grant = Grant.objects.get(group__name="KUBE Lestari Grogot")
    assert grant.amount == 20_000_000 and grant.program_id == program.pk

    # The aid waits for the decree and the NPHD: the grant page says so.
    page.goto(grant.get_absolute_url())
    expect(page.locator("#transfer-refused")).to_be_visible()
    expect(page.locator("form[action$='/transfer/']")).to_have_count(0)
    steps.shot(page, "transfer-belum-bisa")

    # The recipients' decree, prepared and signed from the programme page.
    page.goto(program.get_absolute_url())
    page.locator("#decree-prepare select[name=signatory]").select_option(str(head.pk))
    page.locator("#decree-prepare button[type=submit]").click()
    page.locator("#decree-sign button[type=submit]").click()
    expect(page.get_by_text("SK telah ditandatangani")).to_be_visible()
    steps.shot(page, "sk-ditandatangani")

    # The NPHD issued, signed and uploaded; then the transfer.
    page.goto(grant.get_absolute_url())
    page.locator("#agreement-issue select[name=signatory]").select_option(str(head.pk))
    page.locator("#agreement-issue button[type=submit]").click()
    page.locator("#agreement-sign input[name=scan]").set_input_files(
        {"name": "nphd-ditandatangani.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#agreement-sign button[type=submit]").click()
    expect(page.get_by_text("NPHD yang telah ditandatangani sudah diunggah.")).to_be_visible()
    page.locator("#transfer input[name=reference]").fill("SP2D-LS/0007/BPKAD/2026")
    steps.shot(page, "catat-transfer")
    page.locator("#transfer button[type=submit]").click()
    expect(page.get_by_text("Transfer telah dicatat.")).to_be_visible()
    steps.shot(page, "transfer-tercatat")
    grant.refresh_from_db()
    assert grant.status == "transferred" and grant.transfer_reference.startswith("SP2D")


# --- 2. The Paser officer on a phone: a tranche, a visit, a report -----------------------------

REPORT = {
    "costs": "8.000.000",
    "profit": "4.500.000",
    "capital_used": "10.000.000",
    "asset_value": "9.000.000",
    "cash_balance": "3.000.000",
    "active_members": "5",
    "jobs_created": "1",
}


def transferred_months_ago(group, staff, *, days=180):
    """The group's grant of Rp20.000.000, transferred `days` ago: a catur wulan report is
    due (the live server runs in real time)."""
    grant = grant_services.grant_award(program=Program.objects.get(), group=group, by=staff)
    return record_transfer(
        grant=grant,
        by=staff,
        transferred_on=timezone.localdate() - datetime.timedelta(days=days),
        reference=f"SP2D-{group.pk:04d}",
    )


def test_paser_officer_on_a_phone_requests_a_tranche_logs_a_visit_and_reports(
    new_page, kaltim, province_staff, paser_officer
):
    steps = Steps("2-petugas-paser")
    open_program(first_tranche_max_percent=100)  # the whole grant may go in one tranche
    grant = transferred_months_ago(
        eligible_group("64.01", name="KUBE Amplang Sejahtera"), province_staff
    )
    berau_group = eligible_group("64.03", name="KUBE Tanjung Redeb")
    period = periods_owed(transferred_on=grant.transferred_on, today=timezone.localdate())[0]

    phone = new_page(viewport=PHONE)
    sign_in(phone, paser_officer)
    expect(phone.locator("#waiting-list")).to_be_visible()
    steps.shot(phone, "menunggu-anda")

    # A Berau group is not hers: its address answers 404.
    answer = phone.goto(berau_group.get_absolute_url())
    assert answer.status == 404
    expect(phone.locator("main")).not_to_contain_text("KUBE Tanjung Redeb")
    steps.shot(phone, "kelompok-berau-404")

    # The first tranche: more than the balance is refused with a message; half is accepted.
    phone.goto(grant.get_absolute_url())
    phone.locator(f"a[href$='/{grant.pk}/ajukan-tahap/']").click()
    phone.locator("input[name=amount]").fill("25.000.000")
    phone.locator("textarea[name=purpose]").fill("Bahan baku ikan pipih dan kemasan")
    submit = phone.locator("form:has(textarea[name=purpose]) button[type=submit]")
    submit.click()
    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Rp20.000.000")
    assert not Tranche.objects.exists()
    steps.shot(phone, "tahap-melebihi-saldo")
    phone.locator("input[name=amount]").fill("10.000.000")
    submit.click()
    expect(phone.get_by_text("Tahap 1 telah diajukan")).to_be_visible()
    steps.shot(phone, "tahap-diajukan")

    # A field visit with a photo, from the group's page.
    phone.goto(grant.group.get_absolute_url())
    phone.locator(f"a[href$='/kunjungan/baru/{grant.group_id}/']").first.click()
    today = timezone.localdate()
    phone.locator("#id_visited_on").fill(f"{today:%d/%m/%Y}")
    phone.locator("#id_kind").select_option("visit")
    phone.locator("#id_findings").fill("Produksi amplang 20 kg per minggu; kemasan belum berlabel.")
    phone.locator("#id_advice").fill("Buat label kemasan dan catat penjualan harian.")
    phone.locator("#id_photos").set_input_files(
        files=[{"name": "produksi-amplang.png", "mimeType": "image/png", "buffer": small_png()}]
    )
    steps.shot(phone, "kunjungan-diisi")
    phone.locator("#visit-form button[type=submit]").click()
    photo = phone.locator("#photos img")
    expect(photo).to_have_count(1)
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    steps.shot(phone, "kunjungan-tercatat")

    # The catur wulan report, from "Menunggu Anda": submitted without the turnover, refused,
    # fixed and submitted.
    phone.goto("/")
    phone.locator('#waiting-list a[href^="/laporan/terlambat/"]').click()
    phone.locator("#overdue a[href^='/laporan/baru/']").first.click()
    expect(phone.locator("#report-period")).to_contain_text(str(period))
    for name, value in REPORT.items():
        phone.locator(f"#id_{name}").fill(value)
    phone.locator("input[name=condition][value=berkembang]").check()
    phone.locator("#save-submit").click()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Omzet")
    steps.shot(phone, "laporan-belum-lengkap")
    phone.locator("#id_revenue").fill("12.500.000")
    phone.locator("#save-submit").click()
    expect(phone.locator("#report-status")).to_contain_text("Diserahkan")
    steps.shot(phone, "laporan-diserahkan")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# --- 3. The approver: reject one, approve another, read the letter ---------------------------


def test_approver_rejects_one_request_approves_another_and_downloads_its_letter(
    new_page, kaltim, province_staff, paser_officer, approver
):
    steps = Steps("3-penyetuju")
    open_program()
    requests = {}
    for name in ("KUBE Amplang Sejahtera", "KUBE Kue Basah Melati", "KUBE Ikan Asin Bahari"):
        grant = transferred_months_ago(eligible_group("64.01", name=name), province_staff)
        requests[name] = grant
    for name in ("KUBE Amplang Sejahtera", "KUBE Kue Basah Melati"):
        grant_services.tranche_request(
            grant=requests[name], amount=10_000_000, purpose="Bahan baku", by=paser_officer
        )
    # A request under the approver's own name (entered while he was a regency officer).
    own = TrancheFactory(
        grant=requests["KUBE Ikan Asin Bahari"], requested_by=approver, amount=5_000_000
    )

    desk = new_page(viewport=DESK)
    sign_in(desk, approver)
    steps.shot(desk, "menunggu-anda")
    desk.goto("/hibah/antrean/")
    queue = desk.locator("tr", has_text="KUBE Amplang Sejahtera")
    expect(queue).to_contain_text("Rp10.000.000")
    steps.shot(desk, "antrean")

    # His own request: no approval offered, the reason shown, and a forced POST refused
    # with the same reason.
    mine = desk.locator("tr", has_text="KUBE Ikan Asin Bahari")
    expect(mine.locator("form[action$='/setujui/']")).to_have_count(0)
    expect(mine).to_contain_text(
        "Anda tidak boleh menyetujui tahap pencairan yang Anda ajukan sendiri."
    )
    assert post_status(desk, f"/hibah/tahap/{own.pk}/setujui/") == 302  # back, with why
    desk.reload()
    expect(desk.locator(".alert-danger")).to_contain_text(
        "Anda tidak boleh menyetujui tahap pencairan yang Anda ajukan sendiri."
    )
    steps.shot(desk, "tahap-sendiri-ditolak")
    own.refresh_from_db()
    assert own.status == "requested"

    # Reject one with a reason.
    row = desk.locator("tr", has_text="KUBE Kue Basah Melati")
    row.locator("details.decide summary.btn-outline-danger").click()
    row.locator("textarea[name=reason]").fill("Rincian keperluan belum dilampiri nota harga.")
    steps.shot(desk, "tolak-dengan-alasan")
    row.locator("form[action$='/tolak/'] button[type=submit]").click()
    expect(desk.get_by_text("telah ditolak")).to_be_visible()

    # Approve the other.
    row = desk.locator("tr", has_text="KUBE Amplang Sejahtera")
    row.locator("details.decide summary.btn-success").click()
    steps.shot(desk, "setujui")
    row.locator("form[action$='/setujui/'] button[type=submit]").click()
    expect(desk.get_by_text("Tahap 1 KUBE Amplang Sejahtera telah disetujui.")).to_be_visible()
    steps.shot(desk, "disetujui")
    decided = {t.grant.group.name: t for t in Tranche.objects.select_related("grant__group")}
    assert decided["KUBE Kue Basah Melati"].status == "rejected"
    assert "nota harga" in decided["KUBE Kue Basah Melati"].decision_note
    assert decided["KUBE Amplang Sejahtera"].status == "approved"

    # The approval letter, from the grant's page.
    desk.goto(requests["KUBE Amplang Sejahtera"].get_absolute_url())
    letter = desk.locator(f"a[href$='/tahap/{decided['KUBE Amplang Sejahtera'].pk}/surat.pdf']")
    expect(letter).to_be_visible()
    steps.shot(desk, "surat-persetujuan")
    response = desk.request.get(letter.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert 'filename="surat-persetujuan-tahap-1-' in response.headers["content-disposition"]
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.body())).pages
    )
    assert "Rp10.000.000 (sepuluh juta rupiah)" in text and "KUBE Amplang Sejahtera" in text


# --- 4. The head of the Paser office returns a report; the officer reads why -----------------


def test_regency_head_returns_a_report_and_the_officer_sees_why(
    new_page, kaltim, province_staff, paser_officer, paser_head
):
    steps = Steps("4-kepala-bidang")
    open_program()
    grant = transferred_months_ago(
        eligible_group("64.01", name="KUBE Sumber Rejeki"), province_staff
    )
    berau_grant = transferred_months_ago(
        eligible_group("64.03", name="KUBE Tanjung Redeb"), province_staff
    )
    today = timezone.localdate()
    figures = {
        "revenue": 10_000_000,
        "costs": 7_000_000,
        "profit": 3_000_000,
        "capital_used": 8_000_000,
        "asset_value": 6_000_000,
        "cash_balance": 2_000_000,
        "active_members": 5,
        "jobs_created": 0,
        "condition": "stabil",
    }
    period = periods_owed(transferred_on=grant.transferred_on, today=today)[0]
    report = report_services.report_create(
        grant=grant, period=period, data=figures, by=paser_officer
    )
    report_services.report_submit(report=report, by=paser_officer)
    berau_report = report_services.report_create(
        grant=berau_grant,
        period=period,
        data=figures,
        by=UserFactory(username="agus", role=Role.REGENCY_OFFICER, regency_id="64.03"),
    )

    head = new_page(viewport=DESK)
    sign_in(head, paser_head)
    steps.shot(head, "menunggu-anda")
    assert head.goto(berau_report.get_absolute_url()).status == 404
    head.goto("/")
    head.locator('#waiting-list a[href="/laporan/periksa/"]').click()
    row = head.locator("#review-queue tbody tr", has_text="KUBE Sumber Rejeki")
    expect(row).to_have_count(1)
    steps.shot(head, "antrean-periksa")

    # Returned without a reason: refused with a message; then with one.
    row.locator("details.decide summary.btn-outline-danger").click()
    row.locator("form[action$='/kembalikan/'] button[type=submit]").click()
    expect(head.locator(".alert-danger")).to_contain_text("Alasan")
    report.refresh_from_db()
    assert report.status == "submitted"
    steps.shot(head, "alasan-wajib")
    row = head.locator("#review-queue tbody tr", has_text="KUBE Sumber Rejeki")
    row.locator("details.decide summary.btn-outline-danger").click()
    row.locator("textarea[name=reason]").fill("Omzet tidak sesuai buku kas; periksa lagi.")
    steps.shot(head, "kembalikan")
    row.locator("form[action$='/kembalikan/'] button[type=submit]").click()
    expect(head.locator("#review-queue tbody tr", has_text="KUBE Sumber Rejeki")).to_have_count(0)
    steps.shot(head, "dikembalikan")

    # The officer, on her phone, finds it returned and reads why.
    phone = new_page(viewport=PHONE)
    sign_in(phone, paser_officer)
    phone.locator('#waiting-list a[href^="/laporan/terlambat/"]').click()
    row = phone.locator("#overdue tbody tr", has_text="KUBE Sumber Rejeki")
    expect(row).to_contain_text("Dikembalikan")
    expect(row).to_contain_text("Omzet tidak sesuai buku kas")
    steps.shot(phone, "petugas-melihat-alasan")
    row.locator('a[href$="/ubah/"]').click()
    expect(phone.locator("#return-reason")).to_contain_text("Omzet tidak sesuai buku kas")
    steps.shot(phone, "laporan-dikembalikan")
