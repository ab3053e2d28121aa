"""Hostile workbooks through the web import of groups (property-based, with hypothesis):
no answer is a server error, and an import is whole or nothing (a refused file, at the
preview or at the confirmation, leaves every row count as it was; an accepted one adds its
group and all its members).

File kinds: huge, negative and non-finite numbers in any cell, formulas, dates typed as
text, 10,000 columns and more, zip bombs (parts that unpack to more than the limits, at
the real limits), files of other kinds renamed .xlsx, and workbooks cut short or with
bytes flipped. The number of examples run per kind is printed (`pytest -s`); the
hypothesis profile is FUZZ_PROFILE's (tests/core/test_fuzz_forms.py).

A zip bomb of 295 MB in a file under 1 MB is refused within 5 s and with less than 200 MB
of memory allocated while the request runs (tracemalloc's peak).
"""

import functools
import io
import time
import tracemalloc
import zipfile

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from core.xlsx_reader import MB
from groups import workbook as layout
from groups.models import BusinessGroup, Member
from tests.core.test_fuzz_forms import PROFILE, row_counts
from tests.groups.helpers import new_group, new_members, workbook_bytes

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Text a workbook can hold (control characters cannot be written to a cell).
CELL_TEXT = st.characters(exclude_categories=("Cc", "Cs"))
GROUP_KEYS = [c.key for c in layout.GROUP_COLUMNS if c.imported]
MEMBER_KEYS = [c.key for c in layout.MEMBER_COLUMNS if c.imported]


def good_rows():
    return [new_group()], new_members("KUBE Maju Jaya", 5)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {name: source.read(name) for name in source.namelist()}


@functools.cache
def good_workbook() -> bytes:
    return workbook_bytes(*good_rows())


@functools.cache
def bomb(part: str, megabytes: int) -> bytes:
    """The good workbook with `part` unpacking to `megabytes` MB (written chunk by chunk)."""
    parts = _parts(good_workbook())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name != part:
                archive.writestr(name, content)
        with archive.open(part, "w", force_zip64=True) as stream:
            stream.write(f'<sst xmlns="{MAIN_NS}">'.encode())
            chunk = b"<si><t>KUBE Maju Jaya Sejahtera</t></si>" * 25_000
            for _ in range(megabytes * MB // len(chunk) + 1):
                stream.write(chunk)
            stream.write(b"</sst>")
    return buffer.getvalue()


# --- the kinds of hostile files --------------------------------------------------------


def _cells(draw, values):
    """Good rows with some cells replaced by drawn values."""
    groups, members = good_rows()
    for _ in range(draw(st.integers(1, 6))):
        sheet = draw(st.sampled_from(["group", "member"]))
        rows, keys = (groups, GROUP_KEYS) if sheet == "group" else (members, MEMBER_KEYS)
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.sampled_from(keys))] = draw(values)
    return workbook_bytes(groups, members)


@st.composite
def huge_numbers(draw):
    return _cells(
        draw,
        st.one_of(
            st.integers(min_value=-(10**30), max_value=10**30),
            st.sampled_from([2**63, -(2**63) - 1, 10**15, 2958466, -1, 0, 1e308, -1e308]),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
    )


@st.composite
def formulas(draw):
    return _cells(
        draw,
        st.one_of(
            st.sampled_from(
                [
                    "=1/0",
                    "=A1",
                    '=HYPERLINK("http://example.com","klik")',
                    '=REPT("x",32767)',
                    "=SUM(A1:XFD1048576)",
                    '=cmd|" /C calc"!A0',
                    "=NOW()",
                ]
            ),
            st.text(CELL_TEXT, max_size=50).map(lambda text: "=" + text),
        ),
    )


@st.composite
def text_dates(draw):
    groups, members = good_rows()
    text = st.one_of(
        st.sampled_from(
            [
                *("31/02/2026", "0001-01-01", "9999-12-31", "00/00/0000", "kemarin"),
                *("2026-13-01", "01/01/2100", "29/02/2023", "1/1/1", "", " "),
                "2024-03-01T25:61:00",
            ]
        ),
        st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
        st.text(CELL_TEXT, max_size=30),
    )
    groups[0]["date_formed"] = draw(text)
    for member in members:
        if draw(st.booleans()):
            member["birth_date"] = draw(text)
    return workbook_bytes(groups, members)


@st.composite
def many_columns(draw):
    """A header row of 10,000 columns or more (past column XFD too), on either sheet."""
    count = draw(st.sampled_from([10_000, 16_384, 16_385, 20_000]))
    sheet = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]))
    row = draw(st.sampled_from([1, 2]))
    parts = _parts(good_workbook())
    xml = parts[sheet].decode()

    def letter(n):
        return get_column_letter(n) if n <= 16_384 else f"XF{chr(ord('E') + n % 20)}"

    cells = "".join(
        f'<c r="{letter(n)}{row}" t="inlineStr"><is><t>K{n}</t></is></c>'
        for n in range(30, count + 1)
    )
    marker = f'<row r="{row}"'
    start = xml.index(marker)
    end = xml.index("</row>", start)
    parts[sheet] = (xml[:end] + cells + xml[end:]).encode()
    return _zip(parts)


ZIP_BOMBS = [
    ("xl/sharedStrings.xml", 25),  # over the shared strings' 24 MB
    ("xl/worksheets/sheet2.xml", 65),  # over a sheet's 64 MB
    ("xl/styles.xml", 9),  # over another part's 8 MB
    ("xl/filler.bin", 130),  # over the 128 MB of all parts
]


@st.composite
def zip_bombs(draw):
    return bomb(*draw(st.sampled_from(ZIP_BOMBS)))


@st.composite
def renamed_files(draw):
    return draw(
        st.one_of(
            st.binary(max_size=4096),
            st.sampled_from(
                [
                    b"",
                    b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n",
                    b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,  # an old .xls
                    b"No. Registrasi;Nama Kelompok\n;KUBE Maju Jaya\n",
                    _zip({"word/document.xml": b"<w:document/>"}),
                    _zip({"[Content_Types].xml": b"<Types/>"}),
                ]
            ),
        )
    )


@st.composite
def damaged_zips(draw):
    data = good_workbook()
    if draw(st.booleans()):
        return data[: draw(st.integers(0, len(data) - 1))]
    damaged = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        damaged[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(damaged)


KINDS = {
    "huge numbers": huge_numbers(),
    "formulas": formulas(),
    "text dates": text_dates(),
    "10,000 columns and more": many_columns(),
    "zip bombs": zip_bombs(),
    "renamed non-xlsx files": renamed_files(),
    "truncated or damaged zips": damaged_zips(),
}
# Kinds with few distinct files, or costly ones, run fewer examples.
EXAMPLES = {"zip bombs": len(ZIP_BOMBS), "10,000 columns and more": 6}


# --- the test ---------------------------------------------------------------------------


def upload(content, name="kelompok.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def import_through_the_pages(client, content) -> str:
    """Upload, and confirm when the preview allows it: "refused" or "imported"."""
    url = reverse("groups:group_import")
    response = client.post(url, {"file": upload(content)})
    assert response.status_code < 500
    confirm = response.context.get("confirm_form") if response.context else None
    if confirm is None:
        return "refused"
    token = confirm.initial["token"]
    response = client.post(url, {"token": token, "confirm": ""})
    assert response.status_code < 500
    return "imported" if response.status_code == 302 else "refused"


def fuzz_kind(kind, client) -> dict:
    tally = {"examples": 0, "refused": 0, "imported": 0, "seconds": time.perf_counter()}
    profile = hypothesis_settings.get_profile(PROFILE)
    examples = min(profile.max_examples, EXAMPLES.get(kind, profile.max_examples))

    @hypothesis_settings(profile, max_examples=examples)
    @given(content=KINDS[kind])
    def post(content):
        tally["examples"] += 1
        with transaction.atomic():
            before = row_counts()
            groups, members = BusinessGroup.objects.count(), Member.objects.count()
            outcome = import_through_the_pages(client, content)
            tally[outcome] += 1
            if outcome == "refused":
                assert row_counts() == before, f"{kind}: a refused import changed rows"
            else:  # the whole file: its group and its five members
                assert BusinessGroup.objects.count() == groups + 1
                assert Member.objects.count() == members + 5
            transaction.set_rollback(True)

    post()
    tally["seconds"] = time.perf_counter() - tally["seconds"]
    return tally


@pytest.mark.django_db
def test_hostile_workbooks_are_refused_whole_without_a_server_error(client, kaltim, province_staff):
    client.force_login(province_staff)
    assert import_through_the_pages(client, good_workbook()) == "imported"  # the control
    figures = {kind: fuzz_kind(kind, client) for kind in KINDS}
    width = max(map(len, figures))
    print(f"\nhypothesis profile {PROFILE!r}")
    for kind, tally in figures.items():
        print(
            f"{kind:<{width}}  {tally['examples']:>4} examples, {tally['refused']:>4} refused, "
            f"{tally['imported']:>4} imported whole, 0 server errors ({tally['seconds']:.1f} s)"
        )
    print(f"{'total':<{width}}  {sum(t['examples'] for t in figures.values()):>4} examples")
    for kind, tally in figures.items():
        assert tally["examples"] >= EXAMPLES.get(kind, 1), (kind, tally)
    # the bombs, the renamed and the broken files are never imported
    for kind in ("zip bombs", "renamed non-xlsx files"):
        assert figures[kind]["imported"] == 0, kind


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_within_5_seconds_and_200_mb(client, kaltim, province_staff):
    """295 MB of shared strings in a file under 1 MB, at the real limits."""
    data = bomb("xl/sharedStrings.xml", 295)
    assert len(data) < 1 * MB
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 295 * MB
    client.force_login(province_staff)
    client.get(reverse("groups:group_import"))  # the page's own first-use costs aside
    tracemalloc.start()
    try:
        started = time.perf_counter()
        response = client.post(reverse("groups:group_import"), {"file": upload(data)})
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\nzip bomb: {len(data) / MB:.1f} MB file, refused in {seconds:.2f} s, "
          f"{peak / MB:.1f} MB allocated at the peak")  # fmt: skip
    assert response.status_code == 200
    assert 'id="import-errors"' in response.content.decode()
    errors = [str(error) for error in response.context["errors"]]
    assert len(errors) == 1 and "MB" in errors[0], errors
    assert response.context["confirm_form"] is None
    assert not BusinessGroup.objects.exists()
    assert seconds < 5
    assert peak < 200 * MB
