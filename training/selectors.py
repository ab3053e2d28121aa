"""Reads for the training and mentoring pages, the group's timeline and the coverage page:
one place for what each page loads and how, each in a fixed number of queries."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import HistoryEntry, history_entries, history_fields, newest_first
from grants.models import Grant, GrantStatus, Tranche, TrancheStatus
from groups.models import BusinessGroup, GroupStatus, Member
from groups.selectors import ROLE_ORDER
from regions.models import Regency
from reports.models import ProgressReport, ReportStatus
from training.models import (
    Attendance,
    MentoringVisit,
    TrainingInvitation,
    TrainingSession,
    VisitPhoto,
)


def _count(queryset):
    """A correlated COUNT subquery (no join on the outer list, so no GROUP BY over it)."""
    counts = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


# Sessions ----------------------------------------------------------------------------


def session_list(*, user):
    """The sessions the user may see, with how many of the groups and members the user may
    see were invited and present (an officer counts only their own regency's)."""
    invitations = TrainingInvitation.objects.visible_to(user).filter(session=OuterRef("pk"))
    present = Attendance.objects.visible_to(user).filter(session=OuterRef("pk"), present=True)
    return (
        TrainingSession.objects.visible_to(user)
        .select_related("program", "regency")
        .annotate(invited_count=_count(invitations), present_count=_count(present))
    )


def session_for_detail():
    return TrainingSession.objects.select_related("program", "regency", "created_by")


def without_attendance(sessions, *, today):
    """Sessions that have begun, with invited groups, and no attendance recorded yet."""
    return sessions.filter(start_date__lte=today).filter(
        Exists(TrainingInvitation.objects.filter(session=OuterRef("pk"))),
        ~Exists(Attendance.objects.filter(session=OuterRef("pk"))),
    )


def session_invitations(*, session, user):
    """The invited groups the user may see, by regency and name."""
    return (
        TrainingInvitation.objects.visible_to(user)
        .filter(session=session)
        .select_related("group__regency")
        .order_by("group__regency_id", "group__name", "group_id")
    )


@dataclass
class SheetRow:
    member: Member
    present: bool | None  # None: not recorded yet


def attendance_sheet(*, session, user) -> list[SheetRow]:
    """The attendance sheet in one query: the members of the invited groups the user may see
    (active ones, and any whose attendance was recorded before they left), each with what is
    recorded, by group, role and name."""
    recorded = Attendance.objects.filter(session=session, member=OuterRef("pk"))
    members = (
        Member.objects.visible_to(user)
        .filter(group__training_invitations__session=session)
        .filter(Q(active=True) | Exists(recorded))
        .select_related("group")
        .annotate(
            recorded_present=Subquery(recorded.values("present")[:1]),
            role_order=ROLE_ORDER,
        )
        .order_by("group__name", "group_id", "role_order", "full_name", "pk")
    )
    return [SheetRow(member, member.recorded_present) for member in members]


# Change reasons are stored as ASCII keys by the services and shown translated.
CHANGE_REASONS = {
    "created": _("Created"),
    "updated": _("Updated"),
    "invited": _("Invited"),
    "uninvited": _("Invitation withdrawn"),
    "recorded": _("Attendance recorded"),
    "corrected": _("Attendance corrected"),
    "logged": _("Logged"),
    "uploaded": _("Photo uploaded"),
}


def session_history(*, session, user, limit=50) -> list[HistoryEntry]:
    """Changes to the session and its invitations (of the groups the user may see), newest
    first (two queries). Attendance changes are in the admin's history: a sheet writes one
    record per member."""
    fields = history_fields(
        TrainingSession, exclude={"id", "created_by", "created_at", "updated_at"}
    )
    session_records = TrainingSession.history.filter(id=session.pk).select_related("history_user")
    invitation_records = TrainingInvitation.history.filter(session_id=session.pk).select_related(
        "history_user", "group"
    )
    if not user.has_province_scope:
        invitation_records = invitation_records.filter(group__regency_id=user.regency_id)
    return newest_first(
        history_entries(
            session_records,
            subject=lambda r: str(_("Session")),
            fields=fields,
            reasons=CHANGE_REASONS,
        ),
        history_entries(
            invitation_records,
            subject=lambda r: r.group.name if r.group else "",
            fields=[],
            reasons=CHANGE_REASONS,
        ),
        limit=limit,
    )


# Visits ------------------------------------------------------------------------------


def _later_visit():
    """A visit of the same group after the outer one: its follow-up has happened."""
    return MentoringVisit.objects.filter(
        group=OuterRef("group"), visited_on__gt=OuterRef("visited_on")
    )


def open_follow_ups(visits):
    """Visits with a follow-up date and no later visit of their group."""
    return visits.filter(follow_up_due__isnull=False).exclude(Exists(_later_visit()))


def visit_list(*, user):
    return (
        MentoringVisit.objects.visible_to(user)
        .select_related("group__regency", "officer")
        .annotate(
            photo_count=_count(VisitPhoto.objects.filter(visit=OuterRef("pk"))),
            followed_up=Exists(_later_visit()),
        )
    )


def visit_for_detail():
    return MentoringVisit.objects.select_related("group__regency", "officer")


def visit_photos(*, visit):
    return visit.photos.select_related("uploaded_by")


def visit_history(*, visit, limit=50) -> list[HistoryEntry]:
    """Changes to the visit and its photos, newest first (two queries)."""
    fields = history_fields(
        MentoringVisit, exclude={"id", "group", "officer", "created_at", "updated_at"}
    )
    visit_records = MentoringVisit.history.filter(id=visit.pk).select_related("history_user")
    photo_records = VisitPhoto.history.filter(visit_id=visit.pk).select_related("history_user")
    return newest_first(
        history_entries(
            visit_records, subject=lambda r: str(_("Visit")), fields=fields, reasons=CHANGE_REASONS
        ),
        history_entries(
            photo_records, subject=lambda r: r.original_name, fields=[], reasons=CHANGE_REASONS
        ),
        limit=limit,
    )


# The group's timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class GroupEvent:
    when: datetime.date | datetime.datetime
    kind: str  # training, visit, grant, tranche, report
    label: str
    who: str = ""
    detail: str = ""
    amount: int | None = None
    url: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


def _day(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _moment(value):
    """Sorts a date at the start of its day, before the moments of that day."""
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)


KIND_ORDER = {"training": 0, "grant": 1, "tranche": 2, "visit": 3, "report": 4}


def group_timeline(*, group) -> list[GroupEvent]:
    """What happened to the group, oldest first, in five queries: the trainings its members
    attended, its grants, their tranches, its mentoring visits and its progress reports."""
    events = []

    def add(when, kind, label, *, who="", detail="", amount=None, url="", order=0):
        if when is not None:
            event = GroupEvent(when, kind, str(label), str(who or ""), detail, amount, url)
            events.append(((_day(when), KIND_ORDER[kind], order, _moment(when)), event))

    sessions = (
        TrainingSession.objects.filter(attendances__member__group=group, attendances__present=True)
        .annotate(attended=Count("attendances"))
        .order_by("start_date", "pk")
    )
    for session in sessions:
        add(
            session.start_date,
            "training",
            _("Training: %(title)s") % {"title": session.title},
            detail=_("%(count)d member(s) present · %(venue)s")
            % {"count": session.attended, "venue": session.venue},
            url=session.get_absolute_url(),
        )

    grants = list(group.grants.select_related("program", "awarded_by").order_by("pk"))
    for grant in grants:
        url = grant.get_absolute_url()
        program = grant.program.name
        add(grant.awarded_on, "grant", _("Grant awarded"), who=grant.awarded_by,
            detail=program, amount=grant.amount, url=url)  # fmt: skip
        add(grant.transferred_on, "grant", _("Grant transferred to the group's account"),
            detail=program, amount=grant.amount, url=url, order=1)  # fmt: skip
        if grant.status == GrantStatus.COMPLETED:
            add(grant.completed_on, "grant", _("Grant completed"), detail=program, url=url, order=9)
        elif grant.status == GrantStatus.CANCELLED:
            add(grant.updated_at, "grant", _("Grant cancelled"), detail=grant.status_reason,
                url=url, order=9)  # fmt: skip

    tranches = (
        Tranche.objects.filter(grant__group=group)
        .select_related("requested_by", "decided_by")
        .order_by("grant_id", "sequence")
    )
    urls = {grant.pk: grant.get_absolute_url() for grant in grants}
    for t in tranches:
        n, url = {"n": t.sequence}, urls.get(t.grant_id, "")
        add(t.requested_at, "tranche", _("Tranche %(n)d requested") % n, who=t.requested_by,
            detail=t.purpose, amount=t.amount, url=url)  # fmt: skip
        if t.status == TrancheStatus.CANCELLED:
            add(t.updated_at, "tranche", _("Tranche %(n)d cancelled") % n, amount=t.amount, url=url)
        elif t.decided_at:
            label = (
                _("Tranche %(n)d rejected")
                if t.status == TrancheStatus.REJECTED
                else _("Tranche %(n)d approved")
            )
            add(t.decided_at, "tranche", label % n, who=t.decided_by, detail=t.decision_note,
                amount=t.amount, url=url)  # fmt: skip
        add(t.withdrawn_on, "tranche", _("Tranche %(n)d withdrawn") % n, detail=t.bank_reference,
            amount=t.amount, url=url, order=2)  # fmt: skip

    visits = (
        MentoringVisit.objects.filter(group=group)
        .select_related("officer")
        .annotate(photo_count=_count(VisitPhoto.objects.filter(visit=OuterRef("pk"))))
        .order_by("visited_on", "pk")
    )
    for visit in visits:
        detail = visit.findings
        if visit.photo_count:
            detail = f"{detail} ({_('photos')}: {visit.photo_count})"
        add(visit.visited_on, "visit", visit.get_kind_display(), who=visit.officer,
            detail=detail, url=visit.get_absolute_url())  # fmt: skip

    reports = (
        ProgressReport.objects.filter(group=group)
        .exclude(status=ReportStatus.DRAFT)
        .select_related("submitted_by", "reviewed_by")
        .order_by("year", "term")
    )
    for report in reports:
        p, url = {"period": report.period}, report.get_absolute_url()
        add(report.submitted_at, "report", _("Progress report for %(period)s submitted") % p,
            who=report.submitted_by, url=url)  # fmt: skip
        if report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED) and report.reviewed_at:
            label = (
                _("Progress report for %(period)s accepted")
                if report.status == ReportStatus.ACCEPTED
                else _("Progress report for %(period)s returned")
            )
            add(report.reviewed_at, "report", label % p, who=report.reviewed_by,
                detail=report.return_reason, url=url, order=1)  # fmt: skip

    events.sort(key=lambda pair: pair[0])
    return [event for _key, event in events]


# Coverage ----------------------------------------------------------------------------


def four_months_before(day: datetime.date) -> datetime.date:
    """The same day four months earlier (the last day of that month when it is shorter)."""
    year, month = (day.year, day.month - 4) if day.month > 4 else (day.year - 1, day.month + 8)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _followed():
    """Groups the regency follows up: eligible, or holding a grant that is not cancelled."""
    live_grant = Grant.objects.filter(group=OuterRef("pk")).exclude(status=GrantStatus.CANCELLED)
    return ExpressionWrapper(
        Q(status=GroupStatus.ELIGIBLE) | Q(Exists(live_grant)), output_field=BooleanField()
    )


def _trained(since, today):
    return Exists(
        Attendance.objects.filter(
            member__group=OuterRef("pk"),
            present=True,
            session__start_date__gte=since,
            session__start_date__lte=today,
        )
    )


def _visited(since, today):
    return Exists(
        MentoringVisit.objects.filter(
            group=OuterRef("pk"), visited_on__gte=since, visited_on__lte=today
        )
    )


@dataclass
class CoverageRow:
    regency: Regency | None  # None on the province line
    groups: int = 0
    followed: int = 0  # eligible or funded
    trained: int = 0
    visited: int = 0
    not_visited: int = 0  # followed, with no visit in the window


def coverage(*, user, today) -> tuple[datetime.date, list[CoverageRow]]:
    """Per regency the user may see, in two queries: how many groups had a member trained,
    and how many were visited, in the four months up to `today`, and how many eligible or
    funded groups had no visit in that time."""
    since = four_months_before(today)
    regencies = Regency.objects.visible_to(user).in_province()
    rows = {regency.pk: CoverageRow(regency) for regency in regencies.order_by("code")}
    counts = (
        BusinessGroup.objects.visible_to(user)
        .alias(
            is_followed=_followed(),
            was_trained=_trained(since, today),
            was_visited=_visited(since, today),
        )
        .values("regency_id")
        .annotate(
            groups=Count("pk"),
            followed=Count("pk", filter=Q(is_followed=True)),
            trained=Count("pk", filter=Q(was_trained=True)),
            visited=Count("pk", filter=Q(was_visited=True)),
            not_visited=Count("pk", filter=Q(is_followed=True, was_visited=False)),
        )
        .order_by("regency_id")
    )
    for count in counts:
        row = rows.get(count["regency_id"])
        if row is not None:
            for key in ("groups", "followed", "trained", "visited", "not_visited"):
                setattr(row, key, count[key])
    return since, list(rows.values())


def coverage_totals(rows: list[CoverageRow]) -> CoverageRow:
    """The province line of the coverage table (regency None)."""
    return CoverageRow(
        regency=None,
        groups=sum(r.groups for r in rows),
        followed=sum(r.followed for r in rows),
        trained=sum(r.trained for r in rows),
        visited=sum(r.visited for r in rows),
        not_visited=sum(r.not_visited for r in rows),
    )


def unvisited_groups(*, user, today):
    """Eligible or funded groups with no visit in the four months up to `today`, with the date
    of their last visit (if any), by regency and name."""
    since = four_months_before(today)
    last_visit = (
        MentoringVisit.objects.filter(group=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return (
        BusinessGroup.objects.visible_to(user)
        .alias(is_followed=_followed(), was_visited=_visited(since, today))
        .filter(is_followed=True, was_visited=False)
        .select_related("regency", "district")
        .annotate(last_visit=Subquery(last_visit))
        .order_by("regency_id", "name")
    )


def groups_not_visited_count(*, user, today) -> int:
    since = four_months_before(today)
    return (
        BusinessGroup.objects.visible_to(user)
        .alias(is_followed=_followed(), was_visited=_visited(since, today))
        .filter(is_followed=True, was_visited=False)
        .count()
    )
