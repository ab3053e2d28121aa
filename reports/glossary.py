"""The glossary: one Indonesian name for each state and figure, whether on a screen, in a
workbook or in a PDF.

Every name comes from its one source: a state's label is its model choice's label
(`TextChoices`, translated in locale/id), a grant's figures are `grants.models.GRANT_PARTS`.
Screens show `get_status_display()`; workbooks and PDFs write the same labels in Indonesian
(`core.xlsx.in_indonesian`, `core.pdf.label_id`), so "Terverifikasi" on the group page cannot
become "Diverifikasi" in the dashboard's workbook. docs/glosarium.md is written from here
(`manage.py glossary`) and a test checks it is up to date."""

from core.xlsx import in_indonesian
from grants.models import (
    GRANT_AMOUNT_LABEL,
    GRANT_PARTS,
    AgreementStatus,
    DecreeStatus,
    GrantStatus,
    HandoverStatus,
    ProgramStatus,
    SpendingStatus,
    TrancheStatus,
)
from groups.models import GroupStatus
from letters.models import LetterStatus
from reports.models import BusinessCondition, LpjStatus, ReportStatus

# (the section's title in the glossary, the choices it names)
STATES = (
    ("Status kelompok usaha", GroupStatus),
    ("Status program", ProgramStatus),
    ("Status SK penerima", DecreeStatus),
    ("Status hibah", GrantStatus),
    ("Status tahap pencairan", TrancheStatus),
    ("Status NPHD", AgreementStatus),
    ("Status BAST", HandoverStatus),
    ("Status belanja per tahap", SpendingStatus),
    ("Status laporan perkembangan", ReportStatus),
    ("Kondisi usaha", BusinessCondition),
    ("Status LPJ", LpjStatus),
    ("Status surat (agenda)", LetterStatus),
)


def grant_figures() -> list[tuple[str, str]]:
    """The grant's amount and the parts that add up to it: (Indonesian name, what it is)."""
    return [
        (in_indonesian(GRANT_AMOUNT_LABEL), "nilai hibah yang ditetapkan untuk kelompok"),
        *((in_indonesian(part.label), part.attr) for part in GRANT_PARTS),
    ]


def markdown() -> str:
    """docs/glosarium.md."""
    lines = [
        "# Glosarium",
        "",
        "Nama status dan angka yang dipakai layar, berkas Excel, dan PDF Modal Usaha. Berkas "
        "ini ditulis dari kode (`reports/glossary.py`, `python manage.py glossary`): setiap "
        "nama berasal dari satu sumber, label pilihan model atau `grants.models.GRANT_PARTS`.",
        "",
    ]
    for title, choices in STATES:
        lines += [f"## {title}", "", "| nilai tersimpan | nama |", "|---|---|"]
        lines += [f"| `{value}` | {in_indonesian(label)} |" for value, label in choices.choices]
        lines.append("")
    lines += [
        "## Angka hibah",
        "",
        " = ".join(
            [
                in_indonesian(GRANT_AMOUNT_LABEL),
                " + ".join(in_indonesian(part.label) for part in GRANT_PARTS),
            ]
        ),
        "",
        "| nama | kolom/properti |",
        "|---|---|",
    ]
    lines += [f"| {name} | `{attr}` |" for name, attr in grant_figures()[1:]]
    lines.append("")
    return "\n".join(lines)
