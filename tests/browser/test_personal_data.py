import pytest
from playwright.sync_api import expect

from core.personal_data import mask
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import group_with_members

pytestmark = pytest.mark.django_db(transaction=True)


def test_province_staff_see_masked_numbers_and_show_one_member_in_full(
    new_page, province_staff, kaltim
):
    group = group_with_members(5, name="KUBE Mekar Sari")
    chair = group.members.get(role="ketua")
    page = new_page()
    login(page, province_staff.username, PASSWORD)
    page.goto(group.get_absolute_url())
    row = page.locator("#members tr", has_text=chair.full_name)
    expect(row).to_contain_text(mask(chair.nik))
    expect(page.locator("#members")).not_to_contain_text(chair.nik)
    screenshot(page, "group-members-masked")

    row.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#full-nik")).to_have_text(chair.nik)
    expect(page.locator("#full-kk")).to_have_text(chair.kk_number)
    expect(page.get_by_text("UU PDP 27/2022")).to_be_visible()
    screenshot(page, "member-identity-shown")
    page.get_by_role("link", name="Kembali ke kelompok").click()
    expect(page.locator("#members")).not_to_contain_text(chair.nik)
