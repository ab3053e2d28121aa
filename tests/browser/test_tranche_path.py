"""The whole money path in a browser: the Paser officer requests a tranche, the approver
approves it from the queue, and the approval letter downloads and reads correctly."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.grants.money import open_program, transferred_grant

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_requests_approver_approves_and_the_letter_reads_correctly(
    new_page, province_staff, paser_officer, approver, kaltim
):
    grant = transferred_grant(open_program(), province_staff)

    officer = new_page()
    login(officer, paser_officer.username, PASSWORD)
    officer.goto(grant.get_absolute_url())
    officer.get_by_role("link", name="Ajukan pencairan").click()
    officer.get_by_label("Nilai (Rp)").fill("10.000.000")
    officer.get_by_label("Keperluan pencairan").fill("Pembelian bahan baku kue dan kemasan")
    officer.get_by_role("button", name="Ajukan").click()
    expect(officer.get_by_text("Tahap 1 telah diajukan")).to_be_visible()
    screenshot(officer, "tranche-requested")

    desk = new_page()
    login(desk, approver.username, PASSWORD)
    desk.get_by_role("link", name="Antrean pencairan").first.click()
    row = desk.locator("tr", has_text=grant.group.name)
    expect(row).to_contain_text("Rp10.000.000")
    row.locator("summary", has_text="Setujui").click()
    row.get_by_role("button", name="Konfirmasi persetujuan").click()
    expect(desk.get_by_text(f"Tahap 1 {grant.group.name} telah disetujui.")).to_be_visible()
    screenshot(desk, "tranche-approved-queue")

    desk.goto(grant.get_absolute_url())
    letter_link = desk.get_by_role("link", name="Surat persetujuan (PDF)")
    expect(letter_link).to_be_visible()
    response = desk.request.get(letter_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.body())).pages
    )
    assert "Rp10.000.000 (sepuluh juta rupiah)" in text
    assert grant.agreement.number in text  # from the register
    assert approver.get_full_name() in text
    assert grant.group.name in text
