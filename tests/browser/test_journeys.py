"""Four working days in a browser, each a journey one person could follow step by step,
with a screenshot per step under artifacts/journeys/<journey>/NN-step.png:

1. province staff set up a programme, register a group (a malformed NIK and a NIK already in
   another group are refused in the error summary), verify it, declare it eligible, award it
   from its page, sign the decree and the NPHD, and record the transfer;
2. the Paser officer, on a 390 px phone, requests a first tranche (an amount above the
   balance is refused), logs a visit with a photo and submits the catur wulan report after
   fixing the error it showed; a Berau group's address gives 404;
3. the approver rejects one request with a reason, approves another from the queue and
   downloads its letter; a request of his own shows why it cannot be decided, and is refused;
4. the head of the Paser office returns a report with a reason and the officer reads it.

Elements are found by id, name and link target; messages are read in Indonesian, as the
user reads them.
"""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from grants.models import Grant, Program
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.factories import UserFactory, group_with_members

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
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=path, full_page=full_page)
        return path


def post_status(page, url: str) -> int:
    """The status of a POST sent from the page with its CSRF token, as a form would."""
    return page.evaluate(
        """async url => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)?.[1]
                || document.querySelector('input[name=csrfmiddlewaretoken]')?.value;
            const body = new URLSearchParams({csrfmiddlewaretoken: token});
            const answer = await fetch(url, {method: 'POST', body, redirect: 'manual',
                headers: {'X-CSRFToken': token}});
            return answer.status;
        }""",
        url,
    )


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
    login(page, province_staff.username, PASSWORD)
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
