"""Lines of "Menunggu Anda" that come from training sessions and mentoring visits."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from core.waiting import WaitingLine, waiting_provider
from training import rules, selectors
from training.models import MentoringVisit


@waiting_provider
def attendance_to_record(user):
    """Sessions the user manages that have begun, with no attendance recorded yet."""
    sessions = rules.sessions_managed_by(user)
    waiting = selectors.without_attendance(sessions, today=timezone.localdate())
    return [
        WaitingLine(
            _("Training sessions whose attendance is not recorded"),
            waiting.count(),
            f"{reverse('training:session_list')}?attendance=missing",
        )
    ]


@waiting_provider
def follow_ups_due(user):
    """Follow-ups of the officer's regency that are due, with no later visit to the group."""
    if not (user.is_regency_officer and can(user, Action.VISIT_LOG)):
        return []
    due = selectors.open_follow_ups(MentoringVisit.objects.visible_to(user)).filter(
        follow_up_due__lte=timezone.localdate()
    )
    return [
        WaitingLine(
            _("Follow-up visits due"),
            due.count(),
            f"{reverse('training:visit_list')}?follow_up=due",
        )
    ]


@waiting_provider
def groups_to_visit(user):
    """Eligible or funded groups of the officer's regency with no visit in four months."""
    if not (user.is_regency_officer and can(user, Action.VISIT_LOG)):
        return []
    count = selectors.groups_not_visited_count(user=user, today=timezone.localdate())
    return [
        WaitingLine(
            _("Eligible or funded groups not visited in the last four months"),
            count,
            f"{reverse('training:coverage')}?regency={user.regency_id}#unvisited",
        )
    ]
