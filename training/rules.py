"""Every precondition of a training or mentoring change, as a predicate answering
`core.rules.Answer`: the services ask them with the locked rows and raise the refusal; the
session, visit and group pages and "Menunggu Anda" ask the same ones.

Who does what:
- a session of a regency is managed (edited, groups invited, attendance recorded) by province
  staff or by the officers of that regency; a province-wide session by province staff only;
- mentoring visits are logged by the regency officers, for the groups of their own regency.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action
from core.rules import ALLOWED, Answer, Refusal, first_refusal, forbid, refuse
from core.scoping import role_and_scope
from groups.models import GroupStatus
from training.models import Attendance, TrainingSession

# Groups that can still be invited to a training (not rejected, not deactivated).
INVITABLE_STATUSES = (GroupStatus.PROPOSED, GroupStatus.VERIFIED, GroupStatus.ELIGIBLE)


def group_attended_training(*, group_id: int, by_date: datetime.date) -> bool:
    """Whether at least one member of the group was present at a training session that had
    started by `by_date` (any programme's session counts)."""
    return Attendance.objects.filter(
        member__group_id=group_id, present=True, session__start_date__lte=by_date
    ).exists()


# Sessions ----------------------------------------------------------------------------


def session_organise(*, regency_id: str | None, user) -> Answer:
    """Whether the user may organise a session for the regency (None: province-wide)."""
    if regency_id is None:
        return first_refusal(
            role_and_scope(user, Action.TRAINING_MANAGE),
            ALLOWED
            if user.has_province_scope
            else forbid(_("Only province staff organise province-wide sessions."), Refusal.SCOPE),
        )
    return role_and_scope(user, Action.TRAINING_MANAGE, regency_id=regency_id)


def session_manage(*, session, user) -> Answer:
    """Edit the session and its invitations: province staff every session, a regency
    officer the sessions of their regency (not the province-wide ones)."""
    return first_refusal(
        role_and_scope(user, Action.TRAINING_MANAGE),
        ALLOWED
        if user.has_province_scope
        or (session.regency_id is not None and session.regency_id == user.regency_id)
        else forbid(
            _("Only province staff or the officers of its regency manage this session."),
            Refusal.SCOPE,
        ),
    )


def sessions_managed_by(user):
    """The sessions `session_manage` allows the user, as a queryset."""
    if not role_and_scope(user, Action.TRAINING_MANAGE):
        return TrainingSession.objects.none()
    sessions = TrainingSession.objects.visible_to(user)
    if not user.has_province_scope:
        sessions = sessions.filter(regency_id=user.regency_id)  # not the province-wide ones
    return sessions


def attendance_record(*, session, user, today: datetime.date | None = None) -> Answer:
    """Record the attendance sheet, from the session's first day."""
    today = today or timezone.localdate()
    return first_refusal(
        lambda: session_manage(session=session, user=user),
        ALLOWED
        if session.start_date <= today
        else refuse(_("Attendance can be recorded from the first day of the session.")),
    )


# Mentoring visits ---------------------------------------------------------------------


def visit_log(*, group, user) -> Answer:
    """A visit (or call, or meeting) with a group of the officer's regency."""
    return role_and_scope(user, Action.VISIT_LOG, regency_id=group.regency_id)


def visit_edit(*, visit, user) -> Answer:
    """Correct a visit and add photos to it: the officers of the group's regency."""
    return role_and_scope(user, Action.VISIT_LOG, regency_id=visit.group.regency_id)
