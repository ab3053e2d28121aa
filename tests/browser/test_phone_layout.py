"""Every list on a 390 px phone: rows are cards whose actions are on screen without sideways
scrolling, the filters fold behind one "Saring" button, the regency is neither a filter
nor a column for whoever works in one regency, tap targets are at least 44 px, and no word
is broken inside.

The Paser officer opens the lists of their work; the approver opens the tranche queue and
the head of the Paser office the reports to review (the lists of their roles). The live
server runs in real time, so dates are counted back from today. Screenshots go to
artifacts/screens/.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from grants import services as grant_services
from reports import services as report_services
from reports.models import AccountabilityReport
from reports.periods import periods_owed
from tests.browser.conftest import PHONE, login
from tests.conftest import PASSWORD
from tests.factories import BusinessGroupFactory, MentoringVisitFactory, UserFactory
from tests.grants.money import eligible_group, open_program, ready_for_aid, record_transfer
from tests.reports.conftest import figures

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = Path(settings.BASE_DIR) / "artifacts" / "screens"
WIDTH = PHONE["width"]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

# What a finger taps on a phone: sort headers, breadcrumbs, radio buttons (their labels),
# the language buttons, the pager, every button.
TAP_TARGETS = (
    "th.orderable a, .breadcrumb-item a, .form-check-label, .language-switch button, "
    ".page-link, main .btn, table summary"
)

# The page's visible elements: documentElement width, actions off screen, small targets,
# words broken inside (a word whose letters lie on two lines; codes with digits, such as
# letter numbers, may wrap).
MEASURE = """(targets) => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const name = (el) => (el.textContent || el.getAttribute('aria-label') || el.tagName)
    .trim().replace(/\\s+/g, ' ').slice(0, 40);
  const offscreen = [];
  const actions = 'main a, main button, main summary, main input, main select';
  for (const el of document.querySelectorAll(actions)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > window.innerWidth + 0.5) {
      offscreen.push(`${name(el)} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  const small = [];
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      small.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement || !visible(node.parentElement)) continue;
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(node.data))) {
      if (/\\d/.test(m[0])) continue;  // a code or a number
      const part = /[^\\/\\-]{2,}/g;  // a name may wrap after "/" or "-"
      let w;
      while ((w = part.exec(m[0]))) {
        range.setStart(node, m.index + w.index);
        range.setEnd(node, m.index + w.index + w[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (new Set(rects.map(r => Math.round(r.top))).size > 1) broken.push(w[0]);
      }
    }
  }
  // a card's names fit their column (the longest word of each, in the name's font)
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;white-space:nowrap;visibility:hidden';
  document.body.appendChild(probe);
  for (const td of document.querySelectorAll('.cards-md td[data-label]')) {
    if (!visible(td) || !td.dataset.label || getComputedStyle(td).display !== 'grid') continue;
    const before = getComputedStyle(td, '::before');
    probe.style.font = before.font;
    const column = parseFloat(getComputedStyle(td).gridTemplateColumns.split(' ')[0]);
    for (const word of td.dataset.label.split(/\\s+/)) {
      probe.textContent = word;
      if (probe.getBoundingClientRect().width > column + 0.5) broken.push(`name ${word}`);
    }
  }
  probe.remove();
  // the rows of the lists (tables in a scrolling region; not a figures table such as #balance)
  const rows = [...document.querySelectorAll('main .table-responsive > table > tbody > tr')]
    .filter(visible);
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => visible(el) && el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(el => `${el.tagName}.${el.className} ${name(el)}`).slice(-5);
  return {
    width: document.documentElement.scrollWidth,
    wide,
    offscreen, small, broken,
    rows: rows.length,
    cards: rows.filter(r => getComputedStyle(r).display === 'block').length,
    columns: [...document.querySelectorAll('main th')].filter(visible).map(name),
    labels: [...document.querySelectorAll('main label')].map(name),
  };
}"""


@pytest.fixture
def paser_head(paser):
    return UserFactory(username="kepala.paser", role=Role.REGENCY_HEAD, regency=paser)


@pytest.fixture
def world(kaltim, province_staff, approver, paser_officer, paser_head):
    """A Paser grant with a withdrawn tranche and its spending, one waiting for a decision,
    reports owed, accepted and submitted, a visit, an in-kind grant handed over, an LPJ,
    and more groups than a page holds (the pager)."""
    today = timezone.localdate()
    program = open_program()
    in_kind = open_program(name="Bantuan Alat Usaha", aid_form="in_kind")
    grant = record_transfer(
        grant=grant_services.grant_award(
            program=program, group=eligible_group(name="KUBE Sumber Rejeki"), by=province_staff
        ),
        by=province_staff,
        transferred_on=today - datetime.timedelta(days=300),
        reference="TRF-001",
    )
    tranche = grant_services.tranche_mark_withdrawn(
        tranche=grant_services.tranche_approve(
            tranche=grant_services.tranche_request(
                grant=grant, amount=5_000_000, purpose="Bahan baku", by=paser_officer
            ),
            by=approver,
        ),
        by=paser_officer,
        withdrawn_on=today,
        reference="TRX-01",
    )
    grant_services.spending_line_add(
        report=tranche.spending,
        by=paser_officer,
        item="Tepung tapioka",
        quantity=10,
        unit="kg",
        amount=500_000,
        spent_on=today,
        supplier="Toko Sumber Rezeki",
        receipt=SimpleUploadedFile("nota.png", PNG, content_type="image/png"),
    )
    grant_services.tranche_request(grant=grant, amount=2_000_000, purpose="Alat", by=paser_officer)
    owed = periods_owed(transferred_on=grant.transferred_on, today=today)
    report = report_services.report_create(
        grant=grant, period=owed[0], data=figures(9_000_000), by=paser_officer
    )
    report_services.report_submit(report=report, by=paser_officer)
    draft = report_services.report_create(
        grant=grant, period=owed[1], data=figures(8_000_000), by=paser_officer
    )
    MentoringVisitFactory(group=grant.group, officer=paser_officer)
    handed = ready_for_aid(
        grant_services.grant_award(
            program=in_kind, group=eligible_group(), by=province_staff, amount=1_000_000
        ),
        province_staff,
    )
    grant_services.handover_issue(
        grant=handed,
        items=[{"name": "Mesin jahit", "quantity": 1, "unit": "unit", "unit_value": 1_000_000}],
        official=province_staff,
        by=province_staff,
        handed_over_on=today - datetime.timedelta(days=3),
        place="Tanah Grogot",
    )
    AccountabilityReport.objects.create(
        group=grant.group,
        grant=grant,
        year=today.year,
        statement="Dana digunakan sesuai rencana.",
        submitted_by=paser_officer,
        submitted_at=timezone.now(),
    )
    BusinessGroupFactory.create_batch(25, status="proposed")
    return grant, draft


def check_page(page, path, name, *, filters=True, one_regency=True):
    page.goto(path)
    expect(page.locator("main")).to_be_visible()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"phone-{name}.png", full_page=True)
    found = page.evaluate(MEASURE, TAP_TARGETS)
    assert found["width"] <= WIDTH, f"{name}: {found['width']} px wide: {found['wide']}"
    assert not found["offscreen"], f"{name}: off screen: {found['offscreen']}"
    assert not found["small"], f"{name}: tap targets under 44 px: {found['small']}"
    assert not found["broken"], f"{name}: words broken inside: {found['broken']}"
    assert found["rows"] and found["cards"] == found["rows"], f"{name}: rows not cards: {found}"
    if one_regency:  # whoever works in one regency is not offered it as a column or a filter
        assert "Kabupaten/kota" not in found["columns"], f"{name}: {found['columns']}"
        assert "Kabupaten/kota" not in found["labels"], f"{name}: {found['labels']}"
    if filters:
        toggle = page.get_by_role("button", name="Saring", exact=True).first
        filter_form = page.locator("#list-filters")
        expect(toggle).to_be_visible()
        expect(filter_form).to_be_hidden()
        toggle.click()
        expect(filter_form).to_be_visible()
    return found


def test_every_list_is_cards_on_a_phone(new_page, world, paser_officer, approver, paser_head):
    grant, draft = world
    page = new_page(PHONE)
    login(page, paser_officer.username, PASSWORD)
    lists = {
        "groups": reverse("groups:group_list"),
        "grants": reverse("grants:grant_list"),
        "overdue": reverse("reports:overdue"),
        "visits": reverse("training:visit_list"),
        "decrees": reverse("grants:decree_list"),
        "agreements": reverse("grants:agreement_list"),
        "handovers": reverse("grants:handover_list"),
        "spending": reverse("grants:spending_list"),
        "lpj": reverse("reports:lpj_list"),
        "letters": reverse("letters:letter_list"),
    }
    for name, path in lists.items():
        check_page(page, path, name, filters=name != "overdue")
        if name == "overdue":  # its only filter is the regency: nothing to fold for Paser
            expect(page.get_by_role("button", name="Saring", exact=True)).to_have_count(0)

    # the pager and the sort headers of the group list (26 Paser groups, 25 a page)
    page.goto(reverse("groups:group_list"))
    expect(page.locator(".page-link").first).to_be_visible()
    expect(page.locator("th.orderable a").first).to_be_visible()

    # the members on the group page, the tranches on the grant page and their actions
    check_page(page, grant.group.get_absolute_url(), "group-members", filters=False)
    found = check_page(page, grant.get_absolute_url(), "grant-tranches", filters=False)
    tranches = page.locator("#tranches tbody tr")
    cancel = tranches.filter(has_text="Alat").get_by_role("button", name="Batalkan pengajuan")
    cancel.scroll_into_view_if_needed()
    box = cancel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert found["cards"] >= 2

    # the report form's radio buttons (the business condition)
    page.goto(reverse("reports:report_update", args=[draft.pk]))
    found = page.evaluate(MEASURE, TAP_TARGETS)
    radios = page.locator(".form-check-label")
    assert radios.count() >= 3
    assert not found["small"], found["small"]
    assert found["width"] <= WIDTH


def test_the_queues_are_cards_on_a_phone(new_page, world, approver, paser_head):
    desk = new_page(PHONE)
    login(desk, approver.username, PASSWORD)
    found = check_page(desk, reverse("grants:tranche_queue"), "tranche-queue", one_regency=False)
    assert found["rows"] == 1
    summary = desk.locator("#tranche-queue summary", has_text="Setujui")
    box = summary.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    # the queue opens the request in a page where it is decided
    desk.locator("#tranche-queue").get_by_role("link", name="KUBE Sumber Rejeki").click()
    expect(desk.get_by_role("button", name="Konfirmasi persetujuan")).to_be_visible()
    check_page(desk, desk.url, "tranche-page", filters=False, one_regency=False)

    head = new_page(PHONE)
    login(head, paser_head.username, PASSWORD)
    check_page(head, reverse("reports:review_queue"), "review-queue", filters=False)
    # its only filter is the regency: nothing to fold for the head of the Paser office
    expect(head.get_by_role("button", name="Saring", exact=True)).to_have_count(0)
