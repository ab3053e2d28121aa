"""Lines of "Menunggu Anda" that come from the progress reports."""

from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from core.waiting import WaitingLine, waiting_provider
from regions.models import Regency
from reports import rules
from reports.owed import owed_due


@waiting_provider
def reports_to_write(user):
    """Due reports of the officer's regency that are missing, drafts or returned."""
    if not (user.is_regency_officer and can(user, Action.REPORT_WRITE)):
        return []
    rows = owed_due(user=user, today=timezone.localdate())  # the officer's regency only
    url = f"{reverse('reports:overdue')}?{urlencode({'regency': user.regency_id})}"
    return [WaitingLine(_("Reports due or returned"), rows.count(), url)]


@waiting_provider
def reports_to_review(user):
    to_review = rules.reports_to_review(user)
    return [WaitingLine(_("Reports to review"), to_review.count(), reverse("reports:review_queue"))]


@waiting_provider
def regencies_with_overdue_reports(user):
    """Province staff follow up the regencies that are behind with their reports."""
    if not (user.has_province_scope and can(user, Action.REPORT_REVIEW)):
        return []
    rows = owed_due(user=user, today=timezone.localdate())
    # one probe of the (regency, period) index per regency, whatever the number of rows
    regencies = Regency.objects.filter(Exists(rows.filter(regency_id=OuterRef("pk"))))
    return [
        WaitingLine(
            _("Regencies with overdue reports"), regencies.count(), reverse("reports:overdue")
        )
    ]
