"""The programme's rekap as xlsx (and, in grants/rekap_pdf.py, as PDF documents).

Programmes are not regional: every role that reads programme data may open one; the rows
come from Grant.objects.visible_to(user), so a regency officer's file holds their regency
only.
"""

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from accounts.roles import Action
from core.pdf import inline_pdf
from core.view_helpers import require_role
from core.xlsx import xlsx_response
from grants.models import Program
from reports import rekap_pdf
from reports.rekap import write_rekap


def _program(request, pk):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    return get_object_or_404(Program, pk=pk)


@require_safe
def program_rekap_xlsx(request, pk):
    program = _program(request, pk)
    return xlsx_response(
        filename=f"rekap-{program.fiscal_year}-{program.pk}.xlsx",
        write=lambda fileobj: write_rekap(user=request.user, program=program, fileobj=fileobj),
    )


@require_safe
def program_recap_pdf(request, pk):
    program = _program(request, pk)
    return inline_pdf(
        rekap_pdf.regency_recap(user=request.user, program=program),
        f"rekap-kabupaten-{program.fiscal_year}-{program.pk}.pdf",
    )
