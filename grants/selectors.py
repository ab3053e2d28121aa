"""Reads for the grant pages: one place for what each page loads and how."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.history import HistoryEntry, history_entries, history_fields, newest_first
from core.indonesia import format_rupiah
from core.pagination import KeysFirst
from grants.models import (
    Agreement,
    AgreementStatus,
    AidForm,
    Decree,
    Grant,
    GrantStatus,
    Handover,
    HandoverItem,
    Program,
    ProgramQuota,
    SpendingLine,
    SpendingReport,
    Tranche,
    TrancheStatus,
)
from groups.models import BusinessGroup, GroupStatus, Member, MemberRole

# Programmes -------------------------------------------------------------------------


def program_list():
    """Programmes are province-wide reference data: every role sees every programme."""
    return Program.objects.all()


def program_quotas(*, program, user):
    """The programme's regency quotas the user may see, with the places left."""
    return (
        ProgramQuota.objects.visible_to(user)
        .filter(program=program)
        .select_related("regency")
        .annotate(left=F("group_count") - F("awarded_count"))
        .order_by("regency_id")
    )


def award_candidates(*, program, regency, user):
    """Eligible groups of the regency with no live (not cancelled) grant in the programme."""
    live_grant = Grant.objects.filter(program=program, group=OuterRef("pk")).exclude(
        status=GrantStatus.CANCELLED
    )
    return (
        BusinessGroup.objects.visible_to(user)
        .filter(regency=regency, status=GroupStatus.ELIGIBLE)
        .exclude(Exists(live_grant))
        .select_related("district")
        .order_by("name")
    )


# Grants -----------------------------------------------------------------------------


def _agreement_in_force():
    return Agreement.objects.filter(grant=OuterRef("pk")).exclude(status=AgreementStatus.CANCELLED)


def grant_list(*, user):
    """The grants the user may see, with what the list and its export show: the decree's
    and the agreement's numbers (two correlated subqueries, no query per row)."""
    return grant_list_base(user=user).annotate(**agreement_annotations())


def grant_list_base(*, user):
    """The grants the user may see, with the columns that come from their own row and its
    joins (the agreement's number and date are `agreement_annotations()`)."""
    return (
        Grant.objects.visible_to(user)
        .select_related("group", "regency", "program")
        .annotate(
            available=F("amount") - F("committed_amount"),
            decree_number=F("decree__letter__number"),
        )
    )


def agreement_annotations() -> dict:
    """The number and date of the grant's agreement in force (correlated subqueries)."""
    return {
        "nphd_number": Subquery(
            _agreement_in_force()
            .annotate(shown=Coalesce("letter__number", "legacy_number"))
            .values("shown")[:1]
        ),
        "nphd_date": Subquery(_agreement_in_force().values("issued_on")[:1]),
    }


def grant_list_rows(queryset) -> KeysFirst:
    """The list's rows: a page is chosen by its keys, and the agreement's number and date
    are looked up for the page's rows only (not for every row a deep page skips)."""
    return KeysFirst(queryset, **agreement_annotations())


def grant_for_detail():
    return Grant.objects.select_related("program", "group__regency", "awarded_by", "decree__letter")


def grant_tranches(*, grant):
    return grant.tranches.select_related(
        "requested_by", "decided_by", "letter", "spending"
    ).order_by("sequence")


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.date | datetime.datetime
    label: str
    who: str = ""
    detail: str = ""
    amount: int | None = None

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime.datetime)


def _day(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def grant_timeline(*, grant, tranches) -> list[TimelineEvent]:
    """What happened to the grant and its tranches, oldest first, from their own fields.

    Dates without a time (award, transfer, withdrawal) sort within their day by the
    lifecycle: the grant's award and transfer, then each tranche's request, decision and
    withdrawal, then the grant's close.
    """
    keyed = []

    def add(when, order, label, who="", detail="", amount=None):
        if when is not None:
            event = TimelineEvent(when, str(label), str(who or ""), detail, amount)
            keyed.append(((_day(when), *order), event))

    add(grant.awarded_on, (0, 0), _("Grant awarded"), who=grant.awarded_by, amount=grant.amount)
    add(
        grant.transferred_on,
        (0, 1),
        _("Handed over to the group (BAST)")
        if grant.program.aid_form == AidForm.IN_KIND
        else _("Transferred to the group's account"),
        detail=grant.transfer_reference,
        amount=grant.amount,
    )
    for t in tranches:
        n = {"n": t.sequence}
        add(
            t.requested_at,
            (t.sequence, 0),
            _("Tranche %(n)d requested") % n,
            who=t.requested_by,
            detail=t.purpose,
            amount=t.amount,
        )
        if t.status == TrancheStatus.CANCELLED:
            # A cancelled tranche changes no more: its last update is the cancellation.
            add(
                t.updated_at,
                (t.sequence, 1),
                _("Tranche %(n)d cancelled") % n,
                who=t.requested_by,
                amount=t.amount,
            )
        elif t.decided_at:
            label = (
                _("Tranche %(n)d rejected")
                if t.status == TrancheStatus.REJECTED
                else _("Tranche %(n)d approved")
            )
            add(
                t.decided_at,
                (t.sequence, 1),
                label % n,
                who=t.decided_by,
                detail=t.decision_note,
                amount=t.amount,
            )
        add(
            t.withdrawn_on,
            (t.sequence, 2),
            _("Tranche %(n)d withdrawn") % n,
            detail=t.bank_reference,
            amount=t.amount,
        )
    # Completed and cancelled grants change no more: their last update is the close.
    if grant.status == GrantStatus.COMPLETED:
        add(grant.updated_at, (LAST, 0), _("Grant completed"))
    elif grant.status == GrantStatus.CANCELLED:
        add(grant.updated_at, (LAST, 0), _("Grant cancelled"), detail=grant.status_reason)
    keyed.sort(key=lambda pair: pair[0])
    return [event for _key, event in keyed]


LAST = 10_000  # after every tranche number


# Change reasons are stored as ASCII keys by the services and shown translated.
CHANGE_REASONS = {
    "awarded": _("Awarded"),
    "transferred": _("Transfer recorded"),
    "cancelled": _("Cancelled"),
    "completed": _("Completed"),
    "withdrawn": _("Withdrawal recorded"),
    "requested": _("Requested"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "in_decree": _("Named in a recipients' decree"),
    "handed_over": _("Handed over (BAST)"),
    "spending_accepted": _("Spending accepted"),
    "out_of_decree": _("Taken out of a cancelled decree"),
}


def _rupiah(value):
    return "" if value is None else format_rupiah(value)


def _date(value):
    return "" if value is None else formats.date_format(value)


MONEY_AND_DATES = {
    "amount": _rupiah,
    "committed_amount": _rupiah,
    "withdrawn_amount": _rupiah,
    "accounted_amount": _rupiah,
    "awarded_on": _date,
    "transferred_on": _date,
    "withdrawn_on": _date,
}


def grant_history(*, grant, limit=50) -> list[HistoryEntry]:
    """Every change to the grant and its tranches, newest first (two queries)."""
    grant_fields = history_fields(
        Grant,
        exclude={"id", "program", "group", "awarded_by", "created_at", "updated_at"},
    )
    tranche_fields = history_fields(
        Tranche,
        exclude={
            "id",
            "grant",
            "sequence",
            "request_token",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "created_at",
            "updated_at",
            "letter",
        },
    )
    grant_records = list(Grant.history.filter(id=grant.pk).select_related("history_user"))
    decree_ids = {r.decree_id for r in grant_records if r.decree_id}
    decrees = (
        {
            d.pk: d.number or str(_("Draft decree"))
            for d in Decree.objects.filter(pk__in=decree_ids).select_related("letter")
        }
        if decree_ids
        else {}
    )
    tranche_records = Tranche.history.filter(grant_id=grant.pk).select_related("history_user")
    return newest_first(
        history_entries(
            grant_records,
            subject=lambda r: str(_("Grant")),
            fields=grant_fields,
            reasons=CHANGE_REASONS,
            formats={**MONEY_AND_DATES, "decree": lambda pk: decrees.get(pk, "")},
        ),
        history_entries(
            tranche_records,
            subject=lambda r: str(_("Tranche %(n)d") % {"n": r.sequence}),
            fields=tranche_fields,
            reasons=CHANGE_REASONS,
            formats=MONEY_AND_DATES,
        ),
        limit=limit,
    )


# Tranches ---------------------------------------------------------------------------


def tranche_list(*, user):
    """Every tranche the user may see, with what its export shows."""
    return Tranche.objects.visible_to(user).select_related(
        "grant__group__regency", "grant__program", "requested_by", "decided_by"
    )


def tranche_for_detail():
    return Tranche.objects.select_related(
        "grant__group__regency", "grant__program", "requested_by", "decided_by", "letter"
    )


def tranche_queue(*, user):
    """Tranches waiting for a decision, oldest first (the tranche_status_requested index)."""
    return (
        Tranche.objects.visible_to(user)
        .filter(status=TrancheStatus.REQUESTED)
        .select_related("grant__group__regency", "grant__program", "requested_by")
        .order_by("requested_at", "pk")
    )


# Recipients' decrees ------------------------------------------------------------------


def decree_list(*, user):
    """Decrees are province-wide, like their programmes; their counts and totals hold the
    grants the user may see (a regency's own)."""
    mine = Q()
    if not user.has_province_scope:
        mine = Q(grants__group__regency_id=user.regency_id)
    return Decree.objects.select_related("program", "signatory", "letter").annotate(
        grant_count=Count("grants", filter=mine),
        grant_total=Coalesce(Sum("grants__amount", filter=mine), 0),
    )


def decree_grants(*, decree, user):
    """The grants a decree names that the user may see, by regency and group name."""
    return (
        Grant.objects.visible_to(user)
        .filter(decree=decree)
        .select_related("group__regency", "group__district", "group__village")
        .annotate(chair_name=Subquery(_chair_name))
        .order_by("group__regency_id", "group__name", "pk")
    )


_chair_name = Member.objects.filter(
    group_id=OuterRef("group_id"), role=MemberRole.CHAIR, active=True
).values("full_name")[:1]


DECREE_REASONS = {
    "prepared": _("Draft prepared"),
    "signed": _("Signed"),
    "cancelled": _("Cancelled"),
}


def decree_history(*, decree, limit=50) -> list[HistoryEntry]:
    fields = history_fields(
        Decree, exclude={"id", "program", "prepared_by", "created_at", "updated_at", "letter"}
    )
    records = Decree.history.filter(id=decree.pk).select_related("history_user", "signatory")
    return newest_first(
        history_entries(
            records,
            subject=lambda r: str(_("Decree")),
            fields=fields,
            reasons=DECREE_REASONS,
            formats={"signed_on": _date},
        ),
        limit=limit,
    )


# Grant agreements ----------------------------------------------------------------------


def agreement_list(*, user):
    return Agreement.objects.visible_to(user).select_related(
        "grant__group__regency", "grant__program", "letter", "signatory", "scan"
    )


def cancelled_agreements(*, grant):
    return (
        grant.agreements.filter(status=AgreementStatus.CANCELLED)
        .select_related("letter")
        .order_by("pk")
    )


# Handover records (BAST) -------------------------------------------------------------------


def handover_list(*, user):
    return Handover.objects.visible_to(user).select_related(
        "grant__group__regency", "grant__program", "letter", "official", "scan"
    )


def handover_items(*, handovers):
    """The items of the given handover records, with their record, grant and group."""
    return (
        HandoverItem.objects.filter(handover__in=handovers)
        .select_related(
            "handover__letter", "handover__grant__group__regency", "handover__grant__program"
        )
        .order_by("handover__handed_over_on", "handover_id", "position")
    )


# Spending accountability -------------------------------------------------------------------


def spending_list(*, user):
    return SpendingReport.objects.visible_to(user).select_related(
        "tranche__grant__group__regency", "tranche__grant__program"
    )


def spending_lines(*, report):
    return report.lines.select_related("receipt", "added_by").order_by("spent_on", "pk")


def spending_lines_of(*, reports):
    """The lines of the given spending reports, with their tranche, grant and group."""
    return (
        SpendingLine.objects.filter(report__in=reports)
        .select_related(
            "report__tranche__grant__group__regency",
            "report__tranche__grant__program",
            "receipt",
        )
        .order_by("report__tranche__grant__group__regency_id", "report_id", "spent_on", "pk")
    )


SPENDING_REASONS = {
    "opened": _("Tranche withdrawn: spending to record"),
    "line_added": _("Purchase recorded"),
    "line_removed": _("Purchase removed"),
    "submitted": _("Submitted"),
    "accepted": _("Accepted"),
    "returned": _("Returned"),
}


def spending_history(*, report, limit=50) -> list[HistoryEntry]:
    fields = history_fields(
        SpendingReport,
        exclude={
            "id",
            "tranche",
            "created_at",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        },
    )
    records = SpendingReport.history.filter(id=report.pk).select_related("history_user")
    return newest_first(
        history_entries(
            records,
            subject=lambda r: str(_("Spending")),
            fields=fields,
            reasons=SPENDING_REASONS,
            formats={"total": _rupiah},
        ),
        limit=limit,
    )
