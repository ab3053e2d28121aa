"""PDF documents of the grant programme: a tranche's approval letter and a grant's summary.

Rendered with fpdf2 in DejaVu Sans, embedded (as a subset) from `static/fonts/`, so a letter
looks the same on every machine and in every viewer. Official documents are in Indonesian
whatever the language of the user who prints them: their texts are Indonesian literals here
(not gettext), and dates and status labels are formatted under the `id` locale.

The same data gives the same bytes: the creation date written into the file is the decision
date (letter) or the grant's latest change (summary), never the time of printing.
"""

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, XPos, YPos

from core.indonesia import format_rupiah, terbilang_rupiah
from grants.models import Grant, Tranche, TrancheStatus
from groups.models import MemberRole

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
# fontTools reports every table it subsets at INFO: a dozen lines per PDF in the server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
FONT = "DejaVuSans"

LETTERHEAD = ("PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS SOSIAL")
LETTERHEAD_ADDRESS = "Samarinda, Kalimantan Timur"
ISSUED_AT = "Samarinda"  # where letters are signed
AUTHOR = "Dinas Sosial Provinsi Kalimantan Timur"

# Tranches a letter can be printed for: the approval has been given.
LETTER_STATUSES = (TrancheStatus.APPROVED, TrancheStatus.WITHDRAWN)

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


def rupiah_terbilang(amount: int) -> str:
    """`Rp10.000.000 (sepuluh juta rupiah)`, as official documents write an amount."""
    return f"{format_rupiah(amount)} ({terbilang_rupiah(amount)})"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "-"


def _label(obj, field: str) -> str:
    with translation.override("id"):
        return str(getattr(obj, f"get_{field}_display")())


def letter_number(tranche: Tranche) -> str:
    """The letter's number in the application's register: the tranche's id makes it unique,
    and printing the letter again gives the same number."""
    year = timezone.localdate(tranche.decided_at).year
    return f"{tranche.pk:05d}/PDH-{tranche.sequence}/DINSOS/{year}"


def _chair_name(group) -> str:
    chairs = [m for m in group.members.all() if m.role == MemberRole.CHAIR]
    chairs.sort(key=lambda m: (not m.active, m.pk))
    return chairs[0].full_name if chairs else "-"


def _at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


# Layout ------------------------------------------------------------------------------


class _Document(FPDF):
    """An A4 page in the style of an Indonesian government letter (naskah dinas)."""

    def __init__(self, *, title: str, created: datetime.datetime, page_numbers: bool):
        super().__init__(orientation="portrait", unit="mm", format="A4")
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

    def paragraph(self, text: str, *, after: float = 3):
        self.set_font(FONT, "", 10)
        self.multi_cell(0, 5.1, text, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(after)

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

    def signature(self, *, place_and_date: str, role: str, name: str):
        """The signature block in the right half, kept together on one page."""
        if self.will_page_break(40):
            self.add_page()
        x = self.w - self.r_margin - 75
        self.set_font(FONT, "", 10)
        for line in (place_and_date, role):
            self.set_x(x)
            self.cell(75, 5.5, line, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.ln(18)
        self.set_x(x)
        self.set_font(FONT, "BU", 10)
        self.cell(75, 5.5, name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10)
        self.ln(6)

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


# Documents ---------------------------------------------------------------------------


def tranche_approval_letter(tranche: Tranche) -> bytes:
    """Surat Persetujuan Pencairan Dana Hibah Tahap N, for an approved or withdrawn tranche."""
    tranche = (
        Tranche.objects.select_related(
            "grant__program",
            "grant__group__regency",
            "requested_by",
            "decided_by",
        )
        .prefetch_related("grant__group__members")
        .get(pk=tranche.pk)
    )
    if tranche.status not in LETTER_STATUSES or tranche.decided_at is None:
        raise ValueError(
            f"Only an approved or withdrawn tranche has a letter, not a {tranche.status} one."
        )
    grant, group = tranche.grant, tranche.grant.group
    program = grant.program
    decided_on = timezone.localdate(tranche.decided_at)
    # Totals as they stood when this tranche was approved, so a letter printed again later
    # says what the original said.
    withdrawn_before = sum(
        t.amount
        for t in grant.tranches.filter(
            status=TrancheStatus.WITHDRAWN, sequence__lt=tranche.sequence
        )
    )
    left_after = grant.amount - withdrawn_before - tranche.amount

    title = f"Surat Persetujuan Pencairan Dana Hibah Tahap {tranche.sequence}"
    pdf = _Document(title=title, created=_at_noon(decided_on), page_numbers=False)
    pdf.set_subject(f"{group.name} · {program.name}")
    pdf.letterhead()
    pdf.heading(
        f"SURAT PERSETUJUAN PENCAIRAN DANA HIBAH TAHAP {tranche.sequence}",
        f"Nomor: {letter_number(tranche)}",
    )
    nphd = grant.agreement_number or "-"
    pdf.paragraph(
        f"Berdasarkan Naskah Perjanjian Hibah Daerah (NPHD) Nomor {nphd} tanggal "
        f"{tanggal(grant.agreement_date)} dan permohonan pencairan tanggal "
        f"{tanggal(tranche.requested_at)} yang diajukan oleh {_name(tranche.requested_by)} "
        f"(Dinas Sosial {group.regency.name}), dengan ini Dinas Sosial Provinsi Kalimantan "
        f"Timur menyetujui pencairan dana hibah tahap {tranche.sequence} kepada kelompok:"
    )
    pdf.fields(
        [
            ("Nama kelompok", group.name, True),
            ("Nomor registrasi", group.registration_number),
            ("Kabupaten/Kota", group.regency.name),
            ("Ketua kelompok", _chair_name(group)),
            ("Bank", group.bank_name or "-"),
            ("Nomor rekening", group.account_number or "-"),
            ("Atas nama", group.account_holder or "-"),
        ]
    )
    pdf.paragraph("dengan rincian sebagai berikut:", after=1)
    rows = [
        ("Program", f"{program.name} (Tahun Anggaran {program.fiscal_year})"),
        ("Nomor NPHD", f"{nphd}, tanggal {tanggal(grant.agreement_date)}"),
        ("Jumlah pencairan", rupiah_terbilang(tranche.amount), True),
        ("Keperluan", tranche.purpose),
    ]
    if tranche.decision_note:
        rows.append(("Catatan", tranche.decision_note))
    pdf.fields(rows)
    pdf.boxed(
        f"Nilai hibah {format_rupiah(grant.amount)}; telah dicairkan sebelum tahap ini "
        f"{format_rupiah(withdrawn_before)}; sisa hibah setelah pencairan tahap ini "
        f"{format_rupiah(left_after)}."
    )
    pdf.paragraph(
        "Dana tersebut ditarik oleh pengurus kelompok dari rekening kelompok, digunakan sesuai "
        "dengan keperluan di atas, dan dipertanggungjawabkan dalam laporan perkembangan usaha "
        "setiap catur wulan. Demikian surat persetujuan ini dibuat untuk dipergunakan "
        "sebagaimana mestinya.",
        after=6,
    )
    pdf.signature(
        place_and_date=f"{ISSUED_AT}, {tanggal(decided_on)}",
        role="Yang menyetujui,",
        name=_name(tranche.decided_by),
    )
    pdf.copies(
        [
            f"Kepala Dinas Sosial {group.regency.name};",
            f"Ketua {group.name};",
            "Arsip.",
        ]
    )
    return pdf.render()


def grant_summary(grant: Grant) -> bytes:
    """A grant with its tranches in a table and its totals in figures and in words."""
    grant = (
        Grant.objects.select_related("program", "group__regency")
        .prefetch_related("group__members")
        .get(pk=grant.pk)
    )
    group, program = grant.group, grant.program
    tranches = list(grant.tranches.select_related("decided_by").order_by("sequence"))
    as_of = max([grant.updated_at, *(t.updated_at for t in tranches)])

    pdf = _Document(
        title=f"Ringkasan Dana Hibah {group.name}",
        created=as_of.astimezone(datetime.UTC).replace(microsecond=0),
        page_numbers=True,
    )
    pdf.set_subject(f"{group.name} · {program.name}")
    pdf.letterhead()
    pdf.heading("RINGKASAN DANA HIBAH", f"Keadaan per {tanggal(as_of)}")
    transfer = "-"
    if grant.transferred_on:
        transfer = tanggal(grant.transferred_on)
        if grant.transfer_reference:
            transfer += f" (ref. {grant.transfer_reference})"
    pdf.fields(
        [
            ("Nama kelompok", group.name, True),
            ("Nomor registrasi", group.registration_number),
            ("Kabupaten/Kota", group.regency.name),
            ("Ketua kelompok", _chair_name(group)),
            ("Rekening", f"{group.bank_name or '-'} {group.account_number or ''}".strip()),
            ("Atas nama", group.account_holder or "-"),
            ("Program", f"{program.name} (Tahun Anggaran {program.fiscal_year})"),
            (
                "Nomor NPHD",
                f"{grant.agreement_number or '-'}, tanggal {tanggal(grant.agreement_date)}",
            ),
            ("Ditetapkan", tanggal(grant.awarded_on)),
            ("Ditransfer", transfer),
            ("Status hibah", _label(grant, "status")),
        ],
        indent=0,
        label_width=42,
    )

    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, "Pencairan per tahap", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if tranches:
        pdf.set_font(FONT, "", 8.5)
        pdf.set_draw_color(170)
        with pdf.table(
            align=Align.L,
            col_widths=(12, 32, 28, 22, 40, 31),
            text_align=("CENTER", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT"),
            line_height=5.2,
            padding=(1.2, 1.5),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            cell_fill_color=STRIPE_FILL,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        ) as table:
            table.row(
                ["No.", "Tanggal pengajuan", "Jumlah", "Status", "Diputuskan oleh", "Ditarik"]
            )
            for t in tranches:
                table.row(
                    [
                        str(t.sequence),
                        tanggal(t.requested_at),
                        format_rupiah(t.amount),
                        _label(t, "status"),
                        _name(t.decided_by) if t.decided_by_id else "-",
                        tanggal(t.withdrawn_on),
                    ]
                )
        pdf.set_draw_color(0)
    else:
        pdf.paragraph("Belum ada pencairan yang diajukan.", after=0)
    pdf.ln(5)

    in_process = sum(
        t.amount for t in tranches if t.status in (TrancheStatus.REQUESTED, TrancheStatus.APPROVED)
    )
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 7, "Jumlah", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.fields(
        [
            ("Nilai hibah", rupiah_terbilang(grant.amount), True),
            ("Telah dicairkan", rupiah_terbilang(grant.withdrawn_amount)),
            ("Dalam proses", rupiah_terbilang(in_process)),
            ("Belum diajukan", rupiah_terbilang(grant.available_amount)),
        ],
        indent=0,
        label_width=42,
    )
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        "Dalam proses: tahap yang diajukan atau disetujui tetapi belum ditarik. "
        "Belum diajukan: bagian hibah yang masih dapat diajukan pada tahap berikutnya.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0)
    return pdf.render()
