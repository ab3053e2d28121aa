"""The PDF documents as pages: a tranche's approval letter and a grant's summary.

Loaded through `get_visible_or_404`, so a document outside the user's regency is a 404;
the letter of a tranche that has not been approved does not exist either (404).
"""

from django.http import Http404
from django.views.decorators.http import require_safe

from accounts.roles import Action
from core.pdf import inline_pdf
from core.scoping import get_visible_or_404
from core.view_helpers import require_role
from grants import pdf, rules
from grants.models import Grant, Tranche


@require_safe
def tranche_letter(request, pk):
    tranche = get_visible_or_404(
        Tranche.objects.select_related("grant__group"), request.user, pk=pk
    )
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    if not rules.tranche_letter(tranche=tranche):
        raise Http404("No letter for a tranche that has not been approved.")
    group = tranche.grant.group
    return inline_pdf(
        pdf.tranche_approval_letter(tranche),
        f"surat-persetujuan-tahap-{tranche.sequence}-{group.registration_number}.pdf",
    )


@require_safe
def grant_summary_pdf(request, pk):
    grant = get_visible_or_404(Grant.objects.select_related("group"), request.user, pk=pk)
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    return inline_pdf(
        pdf.grant_summary(grant),
        f"ringkasan-hibah-{grant.group.registration_number}.pdf",
    )
