"""A regency officer writes a progress report on a phone; the head of the regency office
returns it with a reason; the officer fixes and resubmits it; the head accepts it, and the
group leaves the overdue list.

The live server runs in real time (time_machine does not reach it), so the grant is
transferred about six months before the real today: at least one report is then due.
Elements are found by id, name and link target rather than by label, so the test holds
whichever language the labels are in.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from grants import services as grant_services
from reports import services
from reports.periods import periods_owed
from tests.browser.conftest import DESKTOP, PHONE, login, screenshot
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.grants.money import eligible_group, open_program, record_transfer

pytestmark = pytest.mark.django_db(transaction=True)

FIGURES = {
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


@pytest.fixture
def head(paser):
    """Yusuf, head of the Paser regency office (UserFactory gives him tests' PASSWORD)."""
    return UserFactory(
        username="kepala.paser", first_name="Yusuf", role=Role.REGENCY_HEAD, regency=paser
    )


@pytest.fixture
def grant(kaltim, province_staff, paser_officer, head):
    """A Paser group's grant transferred ~6 months ago; every due report but the latest is
    already accepted, so the latest due one is the group's only overdue report."""
    today = timezone.localdate()
    program = open_program()
    group = eligible_group("64.01", name="KUBE Sumber Rejeki")
    grant = grant_services.grant_award(program=program, group=group, by=province_staff)
    grant = record_transfer(
        grant=grant,
        by=province_staff,
        transferred_on=today - datetime.timedelta(days=180),
        reference="TRF-180",
    )
    owed = periods_owed(transferred_on=grant.transferred_on, today=today)
    assert owed, "a report must be due"
    for period in owed[:-1]:
        report = services.report_create(grant=grant, period=period, data=FIGURES, by=paser_officer)
        report = services.report_submit(report=report, by=paser_officer)
        services.report_accept(report=report, by=head)
    grant.latest_due = owed[-1]
    return grant


def fill_report(page, *, revenue):
    page.locator("#id_revenue").fill(revenue)
    page.locator("#id_costs").fill("8.000.000")
    page.locator("#id_profit").fill("4.500.000")
    page.locator("#id_capital_used").fill("10.000.000")
    page.locator("#id_asset_value").fill("9.000.000")
    page.locator("#id_cash_balance").fill("3.000.000")
    page.locator("#id_active_members").fill("5")
    page.locator("#id_jobs_created").fill("1")
    page.locator("input[name=condition][value=berkembang]").check()
    page.locator("#id_problems").fill("Harga bahan baku naik.")
    page.locator("#id_narrative").fill("Penjualan kue kering naik menjelang Natal.")


def test_officer_writes_head_returns_officer_fixes_head_accepts(
    new_page, grant, paser_officer, head
):
    group = grant.group.name
    period = str(grant.latest_due)

    # The officer, on a phone, follows "Menunggu Anda" to the overdue list and writes.
    officer = new_page(viewport=PHONE)
    login(officer, paser_officer.username, PASSWORD)
    officer.locator('#waiting-list a[href^="/laporan/terlambat/"]').click()
    row = officer.locator("#overdue tbody tr", has_text=group)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(period)
    screenshot(officer, "report-overdue-phone")
    row.locator('a[href^="/laporan/baru/"]').click()

    expect(officer.locator("#report-period")).to_contain_text(period)
    assert officer.locator("#id_revenue").get_attribute("inputmode") == "numeric"
    fill_report(officer, revenue="12.500.000")
    form_width = officer.locator("#report-form").bounding_box()["width"]
    assert form_width <= PHONE["width"], "the form fits the phone without scrolling sideways"
    screenshot(officer, "report-form-phone")
    officer.locator("#save-submit").click()
    expect(officer.locator("#report-status")).to_contain_text("Diserahkan")
    expect(officer.locator("#report-figures")).to_contain_text("Rp12.500.000")
    screenshot(officer, "report-submitted-phone")

    # The head, at his desk, returns it from the review queue with a reason.
    reviewer = new_page(viewport=DESKTOP)
    login(reviewer, head.username, PASSWORD)
    reviewer.locator('#waiting-list a[href="/laporan/periksa/"]').click()
    queued = reviewer.locator("#review-queue tbody tr", has_text=group)
    expect(queued).to_have_count(1)
    queued.locator("details.decide summary.btn-outline-danger").click()
    queued.locator("textarea[name=reason]").fill("Omzet tidak sesuai buku kas; periksa lagi.")
    screenshot(reviewer, "report-return-desktop")
    queued.locator("form[action$='/kembalikan/'] button[type=submit]").click()
    expect(reviewer.locator("#review-queue tbody tr", has_text=group)).to_have_count(0)

    # The officer sees it returned on the overdue list, fixes it and resubmits.
    officer.goto("/")
    officer.locator('#waiting-list a[href^="/laporan/terlambat/"]').click()
    row = officer.locator("#overdue tbody tr", has_text=group)
    expect(row).to_contain_text("Dikembalikan")
    expect(row).to_contain_text("Omzet tidak sesuai buku kas")
    row.locator('a[href$="/ubah/"]').click()
    expect(officer.locator("#return-reason")).to_contain_text("Omzet tidak sesuai buku kas")
    expect(officer.locator("#id_revenue")).to_have_value("12.500.000")
    officer.locator("#id_revenue").fill("13.000.000")
    screenshot(officer, "report-fix-phone")
    officer.locator("#save-submit").click()
    expect(officer.locator("#report-status")).to_contain_text("Diserahkan")
    expect(officer.locator("#history")).to_contain_text("Rp12.500.000 → Rp13.000.000")

    # The head, now on his phone, opens the report from the queue and accepts it.
    reviewer.set_viewport_size(PHONE)
    reviewer.goto("/laporan/periksa/")
    screenshot(reviewer, "report-queue-phone")
    reviewer.locator("#review-queue tbody tr", has_text=group).get_by_role(
        "link", name=group
    ).click()
    reviewer.locator(".review-actions details.decide summary.btn-success").click()
    screenshot(reviewer, "report-accept-phone")
    reviewer.locator(".review-actions form[action$='/terima/'] button[type=submit]").click()
    expect(reviewer.locator("#report-status")).to_contain_text("Diterima")
    screenshot(reviewer, "report-accepted-phone")

    # The group has left the overdue list.
    officer.goto("/laporan/terlambat/")
    expect(officer.locator("#overdue")).to_be_visible()
    expect(officer.locator("#overdue tbody tr", has_text=group)).to_have_count(0)
    screenshot(officer, "report-overdue-after-phone")


def test_group_reports_side_by_side_on_a_phone(
    new_page, kaltim, province_staff, paser_officer, head
):
    """About 14 months of reports, the latest due one missing: the officer compares the
    periods and follows the link to write the missing one."""
    today = timezone.localdate()
    group = eligible_group("64.01", name="KUBE Maju Bersama")
    grant = grant_services.grant_award(program=open_program(), group=group, by=province_staff)
    grant = record_transfer(
        grant=grant,
        by=province_staff,
        transferred_on=today - datetime.timedelta(days=420),
        reference="TRF-420",
    )
    owed = periods_owed(transferred_on=grant.transferred_on, today=today)
    assert len(owed) >= 3
    for n, period in enumerate(owed[:-1]):
        figures = {
            **FIGURES,
            "revenue": 10_000_000 + n * 1_500_000,
            "profit": -250_000 + n * 1_000_000,
            "active_members": 5 - (n % 2),
        }
        report = services.report_create(grant=grant, period=period, data=figures, by=paser_officer)
        report = services.report_submit(report=report, by=paser_officer)
        services.report_accept(report=report, by=head)

    page = new_page(viewport=PHONE)
    login(page, paser_officer.username, PASSWORD)
    page.goto(f"/laporan/kelompok/{group.pk}/")
    table = page.locator("#report-comparison")
    expect(table.locator("thead th")).to_have_count(len(owed) + 1)
    expect(table.locator("tr.figure-revenue .change").first).to_contain_text("+Rp1.500.000")
    expect(page.locator("#missing-reports")).to_contain_text(str(owed[-1]))
    screenshot(page, "group-reports-phone")
    # Scrolled to the latest period, the figure names stay in view (a sticky column).
    page.locator(".table-responsive").evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    label = table.locator("tr.figure-revenue th").bounding_box()
    assert label["x"] < 20, label
    screenshot(page, "group-reports-phone-scrolled")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "group-reports-desktop")
    page.set_viewport_size(PHONE)
    page.locator('#missing-reports a[href^="/laporan/baru/"]').click()
    expect(page.locator("#report-period")).to_contain_text(str(owed[-1]))

    # Province staff read the list for every regency, at their desks, and sort it.
    staff = new_page(viewport=DESKTOP)
    login(staff, province_staff.username, PASSWORD)
    staff.goto("/laporan/terlambat/?sort=-days_late")
    row = staff.locator("#overdue tbody tr", has_text=group.name)
    expect(row).to_contain_text("Kabupaten Paser")
    expect(row).to_contain_text(str(owed[-1]))
    screenshot(staff, "report-overdue-desktop")
