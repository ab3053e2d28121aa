"""The programme's rekap as xlsx (and, in grants/rekap_pdf.py, as PDF documents).

Programmes are not regional: every role that reads programme data may open one; the rows
come from Grant.objects.visible_to(user), so a regency officer's file holds their regency
only.
"""

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from accounts.roles import Action, can
from core.pdf import inline_pdf
from grants import rekap_pdf
from grants.models import Program
from grants.rekap import write_rekap
from reports.excel import XLSX_CONTENT_TYPE


def _program(request, pk):
    if not can(request.user, Action.VIEW_PROGRAMME_DATA):
        raise PermissionDenied
    return get_object_or_404(Program, pk=pk)


@require_safe
def program_rekap_xlsx(request, pk):
    program = _program(request, pk)
    output = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    write_rekap(user=request.user, program=program, fileobj=output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"rekap-{program.fiscal_year}-{program.pk}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@require_safe
def program_recap_pdf(request, pk):
    program = _program(request, pk)
    return inline_pdf(
        rekap_pdf.regency_recap(user=request.user, program=program),
        f"rekap-kabupaten-{program.fiscal_year}-{program.pk}.pdf",
    )


@require_safe
def program_beneficiaries_pdf(request, pk):
    program = _program(request, pk)
    return inline_pdf(
        rekap_pdf.beneficiary_attachment(user=request.user, program=program),
        f"lampiran-penerima-{program.fiscal_year}-{program.pk}.pdf",
    )
