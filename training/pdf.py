"""The attendance list (daftar hadir) of a training session, printed to be signed on paper.

Built on core/pdf.py like the grant letters: Indonesian whatever the user's language, and the
same session and members give the same bytes (the creation date is the session's first day).
"""

from fpdf import FontFace
from fpdf.enums import Align, TableCellFillMode, XPos, YPos

from core.pdf import (
    FONT,
    GREY,
    HEADER_FILL,
    ISSUED_AT,
    STRIPE_FILL,
    OfficialDocument,
    Signer,
    at_noon,
    label_id,
    tanggal,
)


def _dates(session) -> str:
    if session.end_date == session.start_date:
        return tanggal(session.start_date)
    return f"{tanggal(session.start_date)} s.d. {tanggal(session.end_date)}"


def _place(session) -> str:
    """Where the list is signed: the regency's name without its kind, or the capital."""
    if session.regency is None:
        return ISSUED_AT
    return session.regency.name.removeprefix("Kabupaten ").removeprefix("Kota ")


def attendance_list(session, rows) -> bytes:
    """DAFTAR HADIR: the session, then one line per member on the sheet (number, name,
    group, role, and room to sign), and the facilitator's signature."""
    pdf = OfficialDocument(
        title=f"Daftar Hadir {session.title}",
        created=at_noon(session.start_date),
        page_numbers=True,
    )
    pdf.set_subject(f"{session.title} · {session.program.name}")
    pdf.letterhead()
    pdf.heading("DAFTAR HADIR PESERTA", session.title.upper())
    pdf.fields(
        [
            ("Program", f"{session.program.name} (Tahun Anggaran {session.program.fiscal_year})"),
            ("Materi", session.topic),
            ("Hari/Tanggal", _dates(session)),
            ("Tempat", session.venue),
            ("Kabupaten/Kota", session.regency.name if session.regency else "Tingkat provinsi"),
            ("Fasilitator", session.facilitator),
        ],
        indent=0,
        label_width=34,
    )
    if rows:
        pdf.set_font(FONT, "", 9)
        pdf.set_draw_color(170)
        with pdf.table(
            align=Align.L,
            col_widths=(10, 54, 46, 21, 34),
            text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT"),
            line_height=5,
            padding=(2.2, 1.5),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            cell_fill_color=STRIPE_FILL,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        ) as table:
            table.row(["No.", "Nama", "Kelompok", "Jabatan", "Tanda tangan"])
            for number, row in enumerate(rows, start=1):
                member = row.member
                line = table.row()
                line.cell(str(number))
                line.cell(member.full_name)
                line.cell(member.group.name)
                line.cell(label_id(member, "role").split(" (")[0])
                # The numbers alternate left and centre so that signatures do not overlap.
                line.cell(f"{number}.", align=Align.L if number % 2 else Align.C)
        pdf.set_draw_color(0)
    else:
        pdf.paragraph("Belum ada kelompok yang diundang.", after=0)
    pdf.ln(4)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        f"Jumlah peserta dalam daftar: {len(rows)} orang.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0)
    pdf.ln(4)
    pdf.signature(
        place_and_date=f"{_place(session)}, {tanggal(session.start_date)}",
        role="Fasilitator,",
        signer=Signer(session.facilitator),
    )
    return pdf.render()
