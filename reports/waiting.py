"""Lines of "Menunggu Anda" that come from the progress reports."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from core.waiting import WaitingLine, waiting_provider
from reports import rules, selectors
from reports.owed import owed_totals

# An LPJ shows on the officer's home from 1 December (40 days before its 10 January).
LPJ_NOTICE_DAYS = 40


@waiting_provider
def reports_to_write(user):
    """Due reports of the officer's regency that are missing, drafts or returned."""
    if not (user.is_regency_officer and can(user, Action.REPORT_WRITE)):
        return []
    totals = owed_totals(user=user, today=timezone.localdate())  # the officer's regency
    url = f"{reverse('reports:overdue')}?{urlencode({'regency': user.regency_id})}"
    return [WaitingLine(_("Reports due or returned"), totals["row_count"], url)]


@waiting_provider
def reports_to_review(user):
    to_review = rules.reports_to_review(user)
    return [WaitingLine(_("Reports to review"), to_review.count(), reverse("reports:review_queue"))]


@waiting_provider
def regencies_with_overdue_reports(user):
    """Province staff follow up the regencies that are behind with their reports."""
    if not (user.has_province_scope and can(user, Action.REPORT_REVIEW)):
        return []
    totals = owed_totals(user=user, today=timezone.localdate())
    return [
        WaitingLine(
            _("Regencies with overdue reports"),
            totals["regency_count"],
            reverse("reports:overdue"),
        )
    ]


@waiting_provider
def lpjs_due(user):
    """The officer's groups whose LPJ is due within the coming weeks, overdue or returned."""
    if not (user.is_regency_officer and can(user, Action.LPJ_SUBMIT)):
        return []
    rows = selectors.lpj_rows(user=user, today=timezone.localdate(), within_days=LPJ_NOTICE_DAYS)
    return [
        WaitingLine(_("LPJs due or returned"), rows.count(), f"{reverse('reports:overdue')}#lpj")
    ]


@waiting_provider
def lpjs_to_receive(user):
    return [
        WaitingLine(
            _("LPJs to receive"),
            rules.lpjs_to_receive(user).count(),
            f"{reverse('reports:lpj_list')}?status=submitted",
        )
    ]
