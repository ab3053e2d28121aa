"""axe-core on every page the navigation offers each role, at 390 px and 1366 px, in
Bahasa Indonesia (everyone's default) and in English (chosen by the user with the language
switch, remembered on the account): no serious or critical finding.

axe-core comes bundled in the axe-playwright-python package (axe.min.js); it is injected as
a script into each page, in a browser context that bypasses the Content Security Policy (the
policy allows our own scripts only, which is what the pages themselves are checked under).
The test prints what it checked: pages x widths x languages, and the findings by impact.
"""

import collections
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import PHONE, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WIDTHS = {"390": PHONE, "1366": {"width": 1366, "height": 800}}
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
BLOCKING = {"serious", "critical"}


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now: rule, impact, and where."""
    page.add_script_tag(content=AXE)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )


def navigation_urls(page) -> list[str]:
    """Every page the navbar links to (menus included), in the navbar's order."""
    hrefs = page.locator("#nav-main a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(h for h in hrefs if not h.startswith("/admin/")))


def test_no_serious_or_critical_axe_finding_on_any_page_of_any_role(
    new_page, working_data, province_staff, approver, paser_officer, paser_head
):
    checked = collections.Counter()  # (language, width) → pages
    pages = set()
    findings = collections.Counter()  # impact → findings
    rules = collections.Counter()  # (impact, rule) → findings
    blocking = []
    for user in (province_staff, approver, paser_officer, paser_head):
        page = new_page(viewport=WIDTHS["1366"], bypass_csp=True)
        sign_in(page, user)
        for language, name in LANGUAGES.items():
            if language == "en":  # the user's own choice, with the switch in the footer
                page.get_by_role("button", name=name).click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
                assert User.objects.get(pk=user.pk).language == "en"
            urls = navigation_urls(page)
            assert len(urls) >= 8, urls
            for url in urls:
                page.set_viewport_size(WIDTHS["1366"])
                assert page.goto(url).status == 200, url
                for width, viewport in WIDTHS.items():
                    page.set_viewport_size(viewport)
                    for finding in run_axe(page):
                        findings[finding["impact"]] += 1
                        rules[finding["impact"], finding["id"]] += 1
                        if finding["impact"] in BLOCKING:
                            blocking.append(
                                {
                                    "user": user.username,
                                    "language": language,
                                    "width": width,
                                    "url": url,
                                    **finding,
                                }
                            )
                    checked[language, width] += 1
                    pages.add((user.role, url))
    total = sum(checked.values())
    print(
        f"\naxe-core {axe_version()}: {total} page checks "
        f"({len(pages)} pages (of 4 roles) x {len(WIDTHS)} widths x {len(LANGUAGES)} languages); "
        f"findings by impact: {dict(sorted(findings.items())) or 'none'}"
    )
    for (impact, rule), count in sorted(rules.items()):
        print(f"  {impact:9} {rule}: {count}")
    for finding in blocking:
        print(finding)
    assert total == len(pages) * len(WIDTHS) * len(LANGUAGES)
    assert not blocking, f"{len(blocking)} serious or critical findings"


def axe_version() -> str:
    return AXE.split("axe v", 1)[1].split()[0]
