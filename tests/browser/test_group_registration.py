import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = [
    ("6401045203880001", "Siti Aminah", "P", "1988-03-12", "ketua"),
    ("6401041105900002", "Ahmad Yani", "L", "1990-05-11", "sekretaris"),
    ("6401046708920003", "Rina Marlina", "P", "1992-08-27", "bendahara"),
    ("6401040101850004", "Budi Hartono", "L", "1985-01-01", "anggota"),
    ("6403041212800005", "Joko Susilo", "L", "1980-12-12", "anggota"),  # NIK issued in Berau
]


def test_province_staff_register_a_group_see_the_nik_warning_and_find_it(
    new_page, province_staff, kaltim
):
    page = new_page()
    login(page, province_staff.username, PASSWORD)
    page.get_by_role("link", name="Kelompok usaha").first.click()
    page.get_by_role("link", name="Daftarkan kelompok").click()

    page.get_by_label("Nama kelompok").fill("KUBE Lestari Grogot")
    page.get_by_label("Jenis usaha").select_option("food")
    page.locator("#id_regency").select_option("64.01")
    page.locator("#id_district").select_option("64.01.04")
    # The village list offers the chosen district's villages only (static/js/region-choices.js).
    villages = page.locator("#id_village option:not([hidden])[value]:not([value=''])")
    expect(villages).to_have_count(16)  # Tanah Grogot has 16 desa and kelurahan
    page.locator("#id_village").select_option("64.01.04.1001")
    page.locator("#id_district").select_option("64.01.01")  # another district: choice cleared
    expect(page.locator("#id_village")).to_have_value("")
    expect(villages).to_have_count(9)
    page.locator("#id_district").select_option("64.01.04")
    page.locator("#id_village").select_option("64.01.04.1001")
    page.get_by_label("Alamat").fill("Jl. Kusuma Bangsa No. 3")
    page.get_by_label("Tanggal dibentuk").fill("2024-05-02")
    page.locator("#id_bank_name").fill("Bankaltimtara")
    page.get_by_label("Nomor rekening").fill("0012345678")
    page.get_by_label("Nama pemilik rekening").fill("KUBE Lestari Grogot")
    for i, (nik, name, sex, birth, role) in enumerate(MEMBERS):
        page.locator(f"#id_members-{i}-nik").fill(nik)
        page.locator(f"#id_members-{i}-kk_number").fill("6401041203240001")
        page.locator(f"#id_members-{i}-full_name").fill(name)
        page.locator(f"#id_members-{i}-sex").select_option(sex)
        page.locator(f"#id_members-{i}-birth_date").fill(birth)
        page.locator(f"#id_members-{i}-role").select_option(role)
    screenshot(page, "group-form-filled")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("heading", name="KUBE Lestari Grogot")).to_be_visible()
    expect(page.get_by_text("Kelompok KUBE Lestari Grogot telah disimpan.")).to_be_visible()
    warning = page.locator("#members .nik-warning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("64.03")
    expect(page.locator("#members tbody tr")).to_have_count(5)
    expect(page.get_by_text("Tanah Grogot (64.01.04.1001)")).to_be_visible()
    screenshot(page, "group-detail-with-nik-warning")

    page.get_by_role("link", name="Kelompok usaha").first.click()
    page.get_by_label("Cari").fill("Lestari")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_role("link", name="KUBE Lestari Grogot")).to_be_visible()
    screenshot(page, "group-list-search")

    page.get_by_label("Cari").fill("6401041105900002")  # a member's NIK
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_role("link", name="KUBE Lestari Grogot")).to_be_visible()
