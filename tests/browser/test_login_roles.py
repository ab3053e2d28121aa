import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("persona", "badge"),
    [
        ("province_staff", "Staf Dinsos Provinsi"),
        ("approver", "Pejabat Penyetuju"),
        ("paser_officer", "Kabupaten Paser"),
        ("berau_officer", "Kabupaten Berau"),
    ],
)
def test_each_role_logs_in_and_sees_the_indonesian_home_page(new_page, personas, persona, badge):
    page = new_page()
    login(page, personas[persona].username, PASSWORD)
    expect(page.get_by_role("heading", name="Menunggu Anda")).to_be_visible()
    expect(page.locator("main")).to_contain_text(badge)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, f"home-{persona}")


def test_wrong_password_is_refused_in_indonesian(new_page, province_staff):
    page = new_page()
    login(page, province_staff.username, "bukan-sandinya")
    expect(page.get_by_text("Nama pengguna atau kata sandi salah.")).to_be_visible()
    expect(page.get_by_role("heading", name="Menunggu Anda")).to_have_count(0)


def test_phone_width_menu_opens_and_logs_out(new_page, paser_officer):
    page = new_page(viewport=PHONE)
    login(page, paser_officer.username, PASSWORD)
    expect(page.get_by_role("heading", name="Menunggu Anda")).to_be_visible()
    screenshot(page, "home-phone")
    page.get_by_role("button", name="Menu").click()
    # Bootstrap's collapse animates; click inside the menu only once it has opened.
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"\bcollapse show\b"))
    page.get_by_role("button", name="Siti").click()
    logout = page.get_by_role("button", name="Keluar")
    expect(logout).to_be_visible()
    logout.click()
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()


def test_language_switch_to_english_and_back(new_page, approver):
    page = new_page()
    login(page, approver.username, PASSWORD)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Menunggu Anda")).to_be_visible()


def test_pages_run_no_inline_script_under_the_policy(new_page, province_staff):
    page = new_page()
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security" in msg.text else None,
    )
    login(page, province_staff.username, PASSWORD)
    page.get_by_role("button", name=province_staff.first_name).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()  # Bootstrap JS ran
    assert violations == []
