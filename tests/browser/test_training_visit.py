"""Province staff record the attendance of a Paser training for the whole sheet at once; the
Paser officer logs a field visit with a photo from the group's page; both appear on the
group's timeline.

Elements are found by id, name and link target rather than by label, so the test holds
whichever language the labels are in.
"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, screenshot
from tests.conftest import PASSWORD
from tests.factories import ProgramFactory, TrainingSessionFactory, group_with_members
from training.models import Attendance, MentoringVisit

pytestmark = pytest.mark.django_db(transaction=True)

SESSION_TITLE = "Pelatihan Kewirausahaan KUBE Kabupaten Paser"


def small_png() -> bytes:
    """A real 160x120 picture, so the browser shows it."""
    image = Image.new("RGB", (160, 120), (170, 205, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 80, 160, 120], fill=(110, 140, 70))
    draw.rectangle([50, 45, 110, 90], fill=(196, 150, 102), outline=(90, 60, 40), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def group(kaltim):
    return group_with_members(5, name="KUBE Amplang Sejahtera", status="eligible")


@pytest.fixture
def session(group):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return TrainingSessionFactory(
        program=ProgramFactory(name="Bantuan Modal Usaha KUBE 2026"),
        title=SESSION_TITLE,
        start_date=yesterday,
        end_date=yesterday,
        groups=[group],
    )


def test_attendance_and_a_visit_with_a_photo_appear_on_the_groups_timeline(
    new_page, province_staff, paser_officer, group, session
):
    members = list(group.members.order_by("pk"))

    # Province staff open the session from the training list and record the whole sheet.
    page = new_page()
    login(page, province_staff.username, PASSWORD)
    page.locator("#nav-main").get_by_role("button", name="Pelatihan").click()
    page.locator(f'#nav-main a[href="{reverse("training:session_list")}"]').click()
    page.locator(f'#sessions a[href="{session.get_absolute_url()}"]').click()
    expect(page.locator("#attendance input[name=present]")).to_have_count(5)
    for member in members[:4]:
        page.locator(f"#present-{member.pk}").check()
    screenshot(page, "training-attendance-sheet")
    page.locator("#attendance-form button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text("4")
    expect(page.locator("#attendance-summary")).to_contain_text("4")
    for member in members[:4]:
        expect(page.locator(f"#present-{member.pk}")).to_be_checked()
    expect(page.locator(f"#present-{members[4].pk}")).not_to_be_checked()
    screenshot(page, "training-attendance-recorded")
    recorded = dict(Attendance.objects.values_list("member_id", "present"))
    assert recorded == {m.pk: m in members[:4] for m in members}

    # The Paser officer logs a field visit with a photo from the group's page.
    officer = new_page()
    login(officer, paser_officer.username, PASSWORD)
    officer.goto(group.get_absolute_url())
    officer.locator(f'a[href="{reverse("training:visit_create", args=[group.pk])}"]').click()
    today = timezone.localdate()
    officer.locator("#id_visited_on").fill(today.isoformat())
    officer.locator("#id_kind").select_option("visit")
    officer.locator("#id_findings").fill(
        "Produksi amplang 20 kg per minggu; kemasan belum berlabel."
    )
    officer.locator("#id_advice").fill("Buat label kemasan dan catat penjualan harian.")
    officer.locator("#id_follow_up_due").fill((today + datetime.timedelta(days=30)).isoformat())
    officer.locator("#id_photos").set_input_files(
        files=[{"name": "produksi-amplang.png", "mimeType": "image/png", "buffer": small_png()}]
    )
    screenshot(officer, "visit-form-filled")
    officer.locator("#visit-form button[type=submit]").click()

    visit = MentoringVisit.objects.get()
    expect(officer).to_have_url(f"{officer.url.split('/pelatihan/')[0]}{visit.get_absolute_url()}")
    photo = officer.locator("#photos img")
    expect(photo).to_have_count(1)
    expect(photo).to_be_visible()
    # The image is served through the scoped view; wait for it to load, then check it.
    officer.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert photo.evaluate("img => img.naturalWidth") == 160
    screenshot(officer, "visit-logged-with-photo")

    # Both appear on the group's timeline, for the officer and for the province staff.
    officer.goto(group.get_absolute_url())
    timeline = officer.locator("#timeline")
    expect(timeline.locator(".timeline-training")).to_contain_text(SESSION_TITLE)
    expect(timeline.locator(".timeline-visit")).to_contain_text("Produksi amplang 20 kg")
    expect(timeline.locator(f'a[href="{visit.get_absolute_url()}"]')).to_be_visible()
    timeline.scroll_into_view_if_needed()
    screenshot(officer, "group-timeline-officer")

    page.goto(group.get_absolute_url())
    expect(page.locator("#timeline .timeline-training")).to_contain_text("4")
    expect(page.locator("#timeline .timeline-visit")).to_have_count(1)

    phone = new_page(viewport=PHONE)
    login(phone, paser_officer.username, PASSWORD)
    phone.goto(group.get_absolute_url())
    expect(phone.locator("#timeline li")).to_have_count(2)
    screenshot(phone, "group-timeline-phone")
