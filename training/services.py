"""Every write to training sessions, their invitations and attendance, and mentoring visits.

Each function locks the row it changes (the session for invitations and attendance, the
visit for its corrections), asks its rule in training/rules.py and raises the refusal,
writes the change and its history (with the user, also outside a request) in one
transaction.
"""

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.errors import DomainError, clean_or_refuse
from core.rules import ensure
from groups.documents import sniff_document
from groups.models import BusinessGroup, GroupStatus, Member
from training import rules
from training.models import (
    Attendance,
    MentoringVisit,
    TrainingInvitation,
    TrainingSession,
    VisitKind,
    VisitPhoto,
)

# Sessions ----------------------------------------------------------------------------


def _check_session(session):
    clean_or_refuse(session)  # the dates


@transaction.atomic
def session_create(*, session: TrainingSession, by, invite_eligible: bool = False):
    """Save a new session; with `invite_eligible`, invite every eligible group of its regency."""
    ensure(rules.session_organise(regency_id=session.regency_id, user=by))
    _check_session(session)
    session.created_by = by
    session._change_reason = "created"
    session._history_user = by
    session.save()
    if invite_eligible and session.regency_id:
        groups = BusinessGroup.objects.filter(
            regency_id=session.regency_id, status=GroupStatus.ELIGIBLE
        ).values_list("pk", flat=True)
        _invite(session, list(groups), by=by)
    return session


@transaction.atomic
def session_update(*, session: TrainingSession, by):
    """Save the changed fields of a session the user manages (as it was, and as it becomes)."""
    stored = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ensure(rules.session_manage(session=stored, user=by))
    ensure(rules.session_organise(regency_id=session.regency_id, user=by))
    _check_session(session)
    if session.regency_id and session.regency_id != stored.regency_id:
        elsewhere = stored.invitations.exclude(group__regency_id=session.regency_id)
        if elsewhere.exists():
            raise DomainError(
                _("Groups of other regencies are invited; remove them before the change.")
            )
    if session.start_date > timezone.localdate() and stored.attendances.exists():
        raise DomainError(
            _("Attendance is recorded already: the session cannot move to the future.")
        )
    session._change_reason = "updated"
    session._history_user = by
    session.save()
    return session


def _invite(session, group_ids, *, by):
    invitations = [
        TrainingInvitation(session=session, group_id=pk, invited_by=by) for pk in group_ids
    ]
    return bulk_create_with_history(
        invitations, TrainingInvitation, default_user=by, default_change_reason="invited"
    )


@transaction.atomic
def session_invite(*, session, regency_id: str, group_ids: Iterable[int], by) -> tuple[int, int]:
    """Make the groups invited from one regency exactly `group_ids`: the new ones are invited,
    those left out are uninvited (never a group with attendance recorded). Returns how many
    were added and removed."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ensure(rules.session_manage(session=session, user=by))
    ensure(rules.session_organise(regency_id=regency_id, user=by))
    if session.regency_id is not None and session.regency_id != regency_id:
        raise DomainError(_("Only groups of the session's regency can be invited."))
    wanted = set(group_ids)
    found = set(
        BusinessGroup.objects.filter(
            pk__in=wanted, regency_id=regency_id, status__in=rules.INVITABLE_STATUSES
        ).values_list("pk", flat=True)
    )
    if wanted - found:
        raise DomainError(
            _("Only proposed, verified or eligible groups of this regency can be invited.")
        )
    current = {
        inv.group_id: inv
        for inv in session.invitations.filter(group__regency_id=regency_id).select_related("group")
    }
    removed = [inv for group_id, inv in current.items() if group_id not in wanted]
    attended = set(
        Attendance.objects.filter(
            session=session, member__group_id__in=[inv.group_id for inv in removed]
        ).values_list("member__group_id", flat=True)
    )
    if attended:
        names = sorted(inv.group.name for inv in removed if inv.group_id in attended)
        raise DomainError(
            _("Attendance is recorded for %(groups)s: they stay invited.")
            % {"groups": ", ".join(names)}
        )
    added = _invite(session, sorted(wanted - set(current)), by=by)
    for invitation in removed:
        invitation._change_reason = "uninvited"
        invitation._history_user = by
        invitation.delete()
    return len(added), len(removed)


# Attendance --------------------------------------------------------------------------


def sheet_members(session):
    """The members on a session's attendance sheet: the active members of its invited groups,
    and any member whose attendance is recorded already (who may have left the group since)."""
    recorded = Attendance.objects.filter(session=session, member=OuterRef("pk"))
    return Member.objects.filter(group__training_invitations__session=session).filter(
        Q(active=True) | Exists(recorded)
    )


@transaction.atomic
def attendance_record(*, session, marks: Mapping[int, bool], by) -> tuple[int, int]:
    """Record the whole attendance sheet at once: `marks` maps each member on the sheet to
    present (True) or absent (False). Any member who is not on the sheet refuses the whole
    sheet. Returns the numbers present and absent."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ensure(rules.attendance_record(session=session, user=by))
    if not marks:
        raise DomainError(_("The attendance sheet is empty: invite groups first."))
    on_sheet = set(sheet_members(session).values_list("pk", flat=True))
    strangers = set(marks) - on_sheet
    if strangers:
        raise DomainError(
            ngettext(
                "%(count)d person on the sheet is not a member of an invited group; "
                "nothing was recorded.",
                "%(count)d people on the sheet are not members of an invited group; "
                "nothing was recorded.",
                len(strangers),
            )
            % {"count": len(strangers)}
        )
    existing = {a.member_id: a for a in session.attendances.filter(member_id__in=list(marks))}
    now = timezone.now()
    new, changed = [], []
    for member_id, present in marks.items():
        attendance = existing.get(member_id)
        if attendance is None:
            new.append(
                Attendance(
                    session=session,
                    member_id=member_id,
                    present=bool(present),
                    recorded_by=by,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif attendance.present != bool(present):
            attendance.present = bool(present)
            attendance.recorded_by = by
            attendance.updated_at = now
            changed.append(attendance)
    if new:
        bulk_create_with_history(
            new, Attendance, default_user=by, default_change_reason="recorded", default_date=now
        )
    if changed:
        bulk_update_with_history(
            changed,
            Attendance,
            ["present", "recorded_by", "updated_at"],
            default_user=by,
            default_change_reason="corrected",
            default_date=now,
        )
    present = sum(1 for value in marks.values() if value)
    return present, len(marks) - present


# Mentoring visits --------------------------------------------------------------------


def _check_visit(visit):
    if visit.kind not in VisitKind.values:
        raise DomainError(_("Choose the kind of contact."))
    clean_or_refuse(visit)  # the dates
    visit.findings = (visit.findings or "").strip()
    visit.advice = (visit.advice or "").strip()
    if not visit.findings:
        raise DomainError(_("The findings are required."))


def _checked_photos(uploads) -> list[tuple[object, str, str]]:
    """Every upload checked before anything is saved: one bad file refuses them all."""
    checked = []
    for upload in uploads:
        try:
            content_type, extension = sniff_document(upload)
        except DomainError as error:
            name = Path(upload.name).name
            raise DomainError(*(f"{name}: {message}" for message in error.messages)) from None
        checked.append((upload, content_type, extension))
    return checked


def _save_photos(visit, checked, *, by) -> list[VisitPhoto]:
    photos = []
    try:
        for upload, content_type, extension in checked:
            photo = VisitPhoto.from_upload(
                upload, content_type=content_type, extension=extension, by=by, visit=visit
            )
            photos.append(photo)
            photo._change_reason = "uploaded"
            photo._history_user = by
            photo.save()
    except Exception:
        for photo in photos:
            photo.file.delete(save=False)
        raise
    return photos


def visit_log(
    *,
    group,
    by,
    visited_on: datetime.date,
    kind: str,
    findings: str,
    advice: str = "",
    follow_up_due: datetime.date | None = None,
    photos: Iterable = (),
) -> MentoringVisit:
    """A regency officer's visit (or call, or meeting) with a group of their regency, with its
    photo evidence (JPEG, PNG or PDF, checked by content)."""
    ensure(rules.visit_log(group=group, user=by))
    visit = MentoringVisit(
        group_id=group.pk,
        officer=by,
        visited_on=visited_on,
        kind=kind,
        findings=findings,
        advice=advice,
        follow_up_due=follow_up_due,
    )
    _check_visit(visit)
    checked = _checked_photos(photos)
    with transaction.atomic():
        # The group as it is now, locked while its visit is written.
        group = BusinessGroup.objects.select_for_update().get(pk=group.pk)
        ensure(rules.visit_log(group=group, user=by))
        visit.group = group
        visit._change_reason = "logged"
        visit._history_user = by
        visit.save()
        _save_photos(visit, checked, by=by)
    return visit


def visit_update(*, visit, by, photos: Iterable = ()) -> MentoringVisit:
    """Save a corrected visit (date, kind, findings, advice, follow-up) and add photos."""
    ensure(rules.visit_edit(visit=visit, user=by))
    checked = _checked_photos(photos)
    with transaction.atomic():
        stored = MentoringVisit.objects.select_for_update().select_related("group").get(pk=visit.pk)
        ensure(rules.visit_edit(visit=stored, user=by))
        visit.group_id = stored.group_id  # a visit stays with its group
        _check_visit(visit)
        visit._change_reason = "updated"
        visit._history_user = by
        visit.save()
        _save_photos(visit, checked, by=by)
    return visit


def visit_photos_add(*, visit, uploads: Iterable, by) -> list[VisitPhoto]:
    """More photo evidence for a visit of the officer's regency."""
    ensure(rules.visit_edit(visit=visit, user=by))
    checked = _checked_photos(uploads)
    if not checked:
        raise DomainError(_("Choose a photo to upload."))
    with transaction.atomic():
        visit = MentoringVisit.objects.select_for_update().get(pk=visit.pk)
        return _save_photos(visit, checked, by=by)
