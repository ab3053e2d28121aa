"""What our PDF documents share: an A4 page in the style of an Indonesian government letter
(naskah dinas), the Dinsos letterhead, Indonesian dates and amounts, and how they are served.

Rendered with fpdf2 in DejaVu Sans, embedded (as a subset) from `static/fonts/`, so a document
looks the same on every machine and in every viewer. Official documents are in Indonesian
whatever the language of the user who prints them: their texts are Indonesian literals (not
gettext), and dates and labels are formatted under the `id` locale.
"""

import datetime
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, XPos, YPos

from core.indonesia import format_rupiah, terbilang, terbilang_rupiah

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
# fontTools reports every table it subsets at INFO: a dozen lines per PDF in the server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
FONT = "DejaVuSans"

LETTERHEAD = ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS SOSIAL")
LETTERHEAD_ADDRESS = "Samarinda, Kalimantan Timur"
ISSUED_AT = "Samarinda"  # where letters are signed
AUTHOR = "Dinas Sosial Provinsi Kalimantan Timur"

GREY = (90, 90, 90)
HEADER_FILL = (225, 230, 236)
STRIPE_FILL = (245, 246, 248)


# Formatting --------------------------------------------------------------------------


def tanggal(value: datetime.date | datetime.datetime | None) -> str:
    """`17 Agustus 2026`; a datetime is taken in the local time zone (WITA)."""
    if value is None:
        return "-"
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    with translation.override("id"):
        return date_format(value, "DATE_FORMAT")


def hari_tanggal_terbilang(day: datetime.date) -> str:
    """`Senin tanggal dua belas bulan Januari tahun dua ribu dua puluh enam`, as an
    agreement or a record of handover states the day it was made."""
    with translation.override("id"):
        weekday, month = date_format(day, "l"), date_format(day, "F")
    return f"{weekday} tanggal {terbilang(day.day)} bulan {month} tahun {terbilang(day.year)}"


def rupiah_terbilang(amount: int) -> str:
    """`Rp10.000.000 (sepuluh juta rupiah)`, as official documents write an amount."""
    return f"{format_rupiah(amount)} ({terbilang_rupiah(amount)})"


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user else "-"


@dataclass(frozen=True)
class Signer:
    """Who signs a document, as the signature block prints them: an official with position
    (jabatan) and NIP, or a person without them (a group's ketua, a facilitator)."""

    name: str
    position: str = ""
    nip: str = ""  # as printed: 19800101 200503 1 001

    @classmethod
    def of(cls, user) -> "Signer":
        """An official of the office (accounts.User with position and NIP)."""
        if user is None:
            return BLANK_SIGNER
        return cls(person_name(user), user.position, user.nip_display)


# A block left to be filled in by hand.
BLANK_SIGNER = Signer("(....................................)", "", "....................")


def label_id(obj, field: str) -> str:
    """The Indonesian label of a choice field's value."""
    with translation.override("id"):
        return str(getattr(obj, f"get_{field}_display")())


def at_noon(day: datetime.date) -> datetime.datetime:
    """A fixed moment of a day, for a document's creation date (same data, same bytes)."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def inline_pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# Layout ------------------------------------------------------------------------------


class OfficialDocument(FPDF):
    """An A4 page in the style of an Indonesian government letter (naskah dinas)."""

    def __init__(
        self,
        *,
        title: str,
        created: datetime.datetime,
        page_numbers: bool,
        orientation: str = "portrait",
    ):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.page_numbers = page_numbers
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(left=25, top=15, right=20)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)
        self.set_author(AUTHOR)
        self.set_creator("Modal Usaha")
        self.set_lang("id")
        self.set_creation_date(created)
        self.alias_nb_pages()
        self.add_page()

    def footer(self):
        if not self.page_numbers:
            return
        self.set_y(-13)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align=Align.R)
        self.set_text_color(0)

    def letterhead(self):
        """The kop surat: the issuing authority, centred, over a thick and a thin rule."""
        self.set_font(FONT, "B", 13)
        self.cell(0, 6.5, LETTERHEAD[0], align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "B", 17)
        self.cell(0, 8.5, LETTERHEAD[1], align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 9)
        self.cell(0, 5, LETTERHEAD_ADDRESS, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = self.get_y() + 2
        right = self.w - self.r_margin
        self.set_line_width(0.8)
        self.line(self.l_margin, y, right, y)
        self.set_line_width(0.25)
        self.line(self.l_margin, y + 1.2, right, y + 1.2)
        self.set_y(y + 6)

    def heading(self, title: str, subtitle: str = ""):
        self.set_font(FONT, "BU", 11.5)
        self.multi_cell(0, 6, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            self.set_font(FONT, "", 10)
            self.cell(0, 5.5, subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    def paragraph(self, text: str, *, after: float = 3, align=Align.J):
        """A paragraph, justified (left-aligned where a long number would stretch its first
        line)."""
        self.set_font(FONT, "", 10)
        self.multi_cell(0, 5.1, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(after)

    def article(self, number: int, title: str, items: list[str]):
        """Pasal N with its title, centred and bold, then its clauses numbered (1), (2)..."""
        if self.will_page_break(24):
            self.add_page()
        self.set_font(FONT, "B", 10)
        self.cell(0, 5.3, f"Pasal {number}", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 5.3, title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, "", 10)
        numbered = len(items) > 1
        for index, item in enumerate(items, start=1):
            x = self.l_margin
            if numbered:
                self.cell(9, 5.1, f"({index})")
                x += 9
            self.set_x(x)
            self.multi_cell(0, 5.1, item, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.8)
        self.ln(2.5)

    def fields(self, rows, *, indent: float = 6, label_width: float = 48):
        """Label : value lines, the value wrapping under itself; a row's optional third
        item makes its value bold."""
        for label, value, *bold in rows:
            self.set_x(self.l_margin + indent)
            self.set_font(FONT, "", 10)
            self.cell(label_width, 5.3, label)
            self.cell(4, 5.3, ":")
            self.set_font(FONT, "B" if bold and bold[0] else "", 10)
            self.multi_cell(0, 5.3, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2.5)

    def boxed(self, text: str):
        self.set_font(FONT, "", 9.5)
        self.set_fill_color(*STRIPE_FILL)
        self.multi_cell(
            0, 5.2, text, border=1, fill=True, padding=(2, 3), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(4)

    SIGNATURE_WIDTH = 78

    def _signature_header(self, *, x: float, y: float, lines: list[str], signer: Signer) -> float:
        """The lines above a signature (place and date, role, position); returns the bottom."""
        self.set_xy(x, y)
        self.set_font(FONT, "", 10)
        for line in [*lines, signer.position]:
            if line:
                self.set_x(x)
                self.multi_cell(
                    self.SIGNATURE_WIDTH, 5.2, line, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT
                )
        return self.get_y()

    def _signature_name(self, *, x: float, y: float, signer: Signer) -> float:
        """Room to sign, the name bold and underlined, and the NIP; returns the bottom."""
        width = self.SIGNATURE_WIDTH
        self.set_xy(x, y + 18)
        self.set_font(FONT, "BU", 10)
        self.multi_cell(width, 5.5, signer.name, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10)
        if signer.nip:
            self.set_x(x)
            self.cell(width, 5.2, f"NIP. {signer.nip}", align=Align.C, new_y=YPos.NEXT)
        return self.get_y()

    def signature_block(self, *, x: float, y: float, lines: list[str], signer: Signer) -> float:
        """One signature block at (x, y): the lines above (place and date, role, position),
        room to sign, the name bold and underlined, and the NIP; returns the bottom."""
        top = self._signature_header(x=x, y=y, lines=lines, signer=signer)
        return self._signature_name(x=x, y=top, signer=signer)

    def signature(self, *, place_and_date: str, role: str, signer: Signer):
        """The signature block in the right half, kept together on one page."""
        if self.will_page_break(52):
            self.add_page()
        x = self.w - self.r_margin - self.SIGNATURE_WIDTH
        bottom = self.signature_block(
            x=x, y=self.get_y(), lines=[place_and_date, role], signer=signer
        )
        self.set_xy(self.l_margin, bottom)
        self.ln(6)

    def signatures(self, *, left: tuple[str, Signer], right: tuple[str, Signer], place_and_date=""):
        """Two blocks side by side (the two parties of an agreement or a handover): each is
        (role, signer); the place and date, if any, above the right one. The names stand on
        one line whatever the length of the positions above them."""
        if self.will_page_break(62):
            self.add_page()
        y = self.get_y()
        (left_role, left_signer), (right_role, right_signer) = left, right
        left_x, right_x = self.l_margin, self.w - self.r_margin - self.SIGNATURE_WIDTH
        top = max(
            self._signature_header(
                x=left_x, y=y, lines=[" " if place_and_date else "", left_role], signer=left_signer
            ),
            self._signature_header(
                x=right_x, y=y, lines=[place_and_date, right_role], signer=right_signer
            ),
        )
        bottom = max(
            self._signature_name(x=left_x, y=top, signer=left_signer),
            self._signature_name(x=right_x, y=top, signer=right_signer),
        )
        self.set_xy(self.l_margin, bottom)
        self.ln(6)

    def data_table(self, *, widths, align, headings, rows, bold_last=False, size=8):
        """A table with a shaded heading row and striped rows. A row that is a string is a
        bold heading across the table (a regency); `bold_last` makes the last row bold (a
        total)."""
        self.set_font(FONT, "", size)
        self.set_draw_color(170)
        with self.table(
            align=Align.L,
            col_widths=widths,
            text_align=align,
            line_height=size * 0.6,
            padding=(1, 1.3),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            cell_fill_color=STRIPE_FILL,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        ) as table:
            table.row(headings)
            for index, row in enumerate(rows):
                if isinstance(row, str):
                    line = table.row(style=FontFace(emphasis="BOLD"))
                    line.cell(row, colspan=len(widths), align=Align.L)
                    continue
                last = bold_last and index == len(rows) - 1
                table.row(row, style=FontFace(emphasis="BOLD") if last else None)
        self.set_draw_color(0)

    def note(self, text: str):
        """A small grey explanation under a table."""
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.multi_cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(4)

    def copies(self, recipients: list[str]):
        """Tembusan: who receives a copy, kept together on one page."""
        if self.will_page_break(4.6 * (len(recipients) + 1)):
            self.add_page()
        self.set_font(FONT, "", 9)
        self.cell(0, 4.6, "Tembusan:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for number, recipient in enumerate(recipients, start=1):
            self.cell(0, 4.6, f"{number}. {recipient}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def render(self) -> bytes:
        return bytes(self.output())
