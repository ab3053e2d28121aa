"""Personal data (UU PDP 27/2022): how an identity number is shown, and how a file that
carries personal data says so.

A NIK or a family card number (No. KK) is shown masked everywhere (`6401********0001`:
the first four and the last four digits); the full number is shown only on the member's
own page after a deliberate, logged "Tampilkan" (groups.rules.may_see_full_identity).
Screens use the `masked` template filter (core/templatetags/indonesia.py); tables,
workbooks, PDFs and messages call `mask` directly: one function for all of them.
"""

import re

from django.utils import timezone, translation
from django.utils.formats import date_format

KEPT = 4  # digits kept visible at each end
MASK = "*"

PERSONAL_DATA_NOTICE = "Memuat data pribadi — UU PDP 27/2022"


def mask(value) -> str:
    """`6401********0001` for `6401234567890001`; a number too short to keep both ends is
    masked whole; an empty value stays empty."""
    if value is None:
        return ""
    text = str(value)
    if len(text) <= 2 * KEPT:
        return MASK * len(text)
    return text[:KEPT] + MASK * (len(text) - 2 * KEPT) + text[-KEPT:]


# A NIK or No. KK inside a text (a search's query string): 16 digits not within a longer run.
_IDENTITY_NUMBER = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def mask_numbers_in(text: str) -> str:
    """`text` with every 16-digit number in it masked (`/kelompok/?q=6401********0001`)."""
    return _IDENTITY_NUMBER.sub(lambda match: mask(match.group()), text)


def export_marking(*, user, full_numbers: bool) -> list[tuple[str, str]]:
    """The lines a workbook carrying personal data opens with: the notice, who exported
    it, when (WITA), and whether its NIK and No. KK are full or masked (Indonesian: a
    file format)."""
    name = (user.get_full_name() or user.get_username()) if user is not None else "-"
    username = user.get_username() if user is not None else "-"
    return [
        ("Perhatian", PERSONAL_DATA_NOTICE),
        ("Diekspor oleh", f"{name} ({username})"),
        ("Waktu ekspor", f"{_indonesian_timestamp()} WITA"),
        (
            "NIK dan No. KK",
            "lengkap (untuk impor kembali)" if full_numbers else "disamarkan",
        ),
        (
            "Ketentuan",
            "Gunakan hanya untuk keperluan program; jangan dibagikan atau diunggah ke "
            "tempat lain; hapus bila tidak diperlukan lagi.",
        ),
    ]


def _indonesian_timestamp() -> str:
    """`27 November 2026 pukul 23.18`, the site's timestamp format, whatever the user's
    language (the marking is Indonesian like the rest of the file's notice)."""
    with translation.override("id"):
        return date_format(timezone.localtime(), "DATETIME_FORMAT")


def personal_data_detail(full_numbers: bool) -> str:
    """What the access log adds to an export's entry (the response's `audit_detail`)."""
    return "data pribadi: NIK/KK " + ("lengkap" if full_numbers else "disamarkan")
