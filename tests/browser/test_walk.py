"""A walk through the site as each role, in a Chromium that asks for English (locale en-US,
Accept-Language en), on a 390 px phone: every page the navigation links to, and from each of
those the first page of every other kind it links to (the first object of a list, its
forms), to a bounded depth and count. Downloads, POSTs, the admin and logging out are not
followed.

On every page:
- no English text of our templates in the Indonesian interface: the visible text (and the
  aria-label, title, placeholder and alt that assistive technology reads) is compared with
  the catalogue's msgids that have a different Indonesian msgstr; multi-word msgids only,
  matched as whole phrases, so that a word both languages share is no false hit;
- nothing wider than the phone: the document's scrollWidth is at most 390 px.

The test prints the pages walked per role.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings

from tests.browser.conftest import PHONE, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

MAX_DEPTH = 3
MAX_PAGES = 60  # per role
SKIP = re.compile(
    r"^/(admin|i18n|akun/keluar)/|/ekspor/|\.(pdf|xlsx|csv)$|/dokumen/\d+/|/foto/\d+/|/templat/"
)
TEXT = """() => {
    const skipped = el => el.closest('script, style, noscript, template, [lang]:not([lang^=id])');
    const parts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!skipped(node.parentElement)) parts.push(node.textContent);
    }
    const named = '[aria-label], [title], [placeholder], [alt]';
    for (const el of document.body.querySelectorAll(named)) {
        if (skipped(el)) continue;
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
            if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
        }
    }
    parts.push(document.title);
    return parts.join(' \\n ').replace(/[ \\t\\r\\f\\v\\u00a0]+/g, ' ');
}"""


def english_phrases() -> dict[str, re.Pattern]:
    """The catalogue's multi-word English msgids whose Indonesian differs, each as a
    whole-phrase pattern (placeholders and markup left out: what remains must be matched
    as it stands)."""
    catalogue = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po")
    )
    phrases = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        text = " ".join(entry.msgid.split())
        if re.search(r"%|\{|<|&|\|", text) or len(text.split()) < 2:
            continue
        phrases[text] = re.compile(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])")
    return phrases


def pattern_of(path: str) -> str:
    """The kind of page: its path with every number replaced, so that one object of each
    kind is walked."""
    return re.sub(r"\d+", "N", path)


def links_on(page) -> list[str]:
    hrefs = page.locator("a[href]").evaluate_all(
        "links => links.filter(a => !a.hasAttribute('download')).map(a => a.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not SKIP.search(parts.path):
            paths.append(parts.path)
    return list(dict.fromkeys(paths))


def test_walk_every_page_as_each_role_with_an_english_browser_on_a_phone(
    new_page, working_data, province_staff, approver, paser_officer, paser_head
):
    phrases = english_phrases()
    assert len(phrases) > 300, "the catalogue's phrases were read"
    walked, kinds, english, wide, failed = {}, set(), [], [], []
    for user in (province_staff, approver, paser_officer, paser_head):
        page = new_page(
            viewport=PHONE, locale="en-US", extra_http_headers={"Accept-Language": "en-US,en"}
        )
        assert page.evaluate("navigator.language") == "en-US"
        sign_in(page, user)
        nav = page.locator("#nav-main a[href^='/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        queue = [("/", 0)] + [(path, 1) for path in dict.fromkeys(nav) if not SKIP.search(path)]
        seen_patterns, seen, visited = set(), set(), []
        while queue and len(visited) < MAX_PAGES:
            path, depth = queue.pop(0)
            if path in seen or (depth > 1 and pattern_of(path) in seen_patterns):
                continue
            seen.add(path)
            seen_patterns.add(pattern_of(path))
            answer = page.goto(path)
            if answer.status != 200:
                failed.append((user.username, path, answer.status))
                continue
            visited.append(path)
            text = page.evaluate(TEXT)
            for phrase, pattern in phrases.items():
                if pattern.search(text):
                    english.append((user.username, path, phrase))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append((user.username, path, width))
            if depth < MAX_DEPTH:
                queue += [(link, depth + 1) for link in links_on(page) if link not in seen]
        walked[user.get_role_display()] = len(visited)
        kinds.update(pattern_of(path) for path in visited)

    # The same look on the English interface (the last user's own choice) finds English: the
    # walk above could have failed.
    page.get_by_role("button", name="English").click()
    page.goto("/")
    found = [phrase for phrase, pattern in phrases.items() if pattern.search(page.evaluate(TEXT))]
    assert "Waiting for you" in found, found

    print(
        f"\nwalked {sum(walked.values())} pages as {len(walked)} roles "
        f"({', '.join(f'{role}: {n}' for role, n in walked.items())}); "
        f"{len(phrases)} English phrases looked for; kinds of page: {' '.join(sorted(kinds))}"
    )
    for finding in english + wide + failed:
        print(finding)
    assert all(n >= 15 for n in walked.values()), walked
    assert not failed, "every linked page opens"
    assert not english, f"{len(english)} English phrases in the Indonesian interface"
    assert not wide, f"{len(wide)} pages wider than {PHONE['width']} px"
