"""Playwright driving Debian's Chromium against Django's live server.

Browser tests are skipped when no Chromium is found, unless REQUIRE_BROWSER_TESTS=1
(as in CI), where a missing browser is a failure.
"""

import datetime
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from grants import services as grant_services
from reports import services as report_services
from reports.periods import periods_owed
from tests.conftest import PASSWORD
from tests.factories import MentoringVisitFactory, TrainingSessionFactory
from tests.grants.money import eligible_group, open_program, record_transfer

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (fixtures) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "no Chromium found (install Debian's chromium or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages in fresh contexts (cookies of their own), in a browser asking for
    Indonesian unless told otherwise (other options go to Playwright's new_context)."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        options.setdefault("locale", "id-ID")
        context = browser.new_context(viewport=viewport, base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


REPORT_FIGURES = {
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
def working_data(kaltim, province_staff, paser_officer, paser_head):
    """A Paser grant transferred six months ago with a tranche waiting, a submitted
    report, a visit and a training: every list has a row, every queue a line."""
    program = open_program()
    group = eligible_group("64.01", name="KUBE Amplang Sejahtera")
    grant = grant_services.grant_award(program=program, group=group, by=province_staff)
    today = timezone.localdate()
    grant = record_transfer(
        grant=grant,
        by=province_staff,
        transferred_on=today - datetime.timedelta(days=180),
        reference="SP2D-0001",
    )
    grant_services.tranche_request(
        grant=grant, amount=10_000_000, purpose="Bahan baku", by=paser_officer
    )
    period = periods_owed(transferred_on=grant.transferred_on, today=today)[0]
    report = report_services.report_create(
        grant=grant, period=period, data=REPORT_FIGURES, by=paser_officer
    )
    report_services.report_submit(report=report, by=paser_officer)
    MentoringVisitFactory(group=group, officer=paser_officer)
    TrainingSessionFactory(program=program, groups=[group])
    eligible_group("64.01", name="KUBE Kue Basah Melati")


def login(page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def sign_in(page, user) -> None:
    """Log in as the user (tests' password) and wait for the page the login leads to."""
    login(page, user.username, PASSWORD)
    page.wait_for_url(lambda url: "/akun/" not in url)
    page.locator("#nav-main").wait_for(state="attached")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
