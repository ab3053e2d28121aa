"""Reads for the group pages: one place for what each page loads and how."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from groups.models import BusinessGroup, GroupDocument, Member, MemberRole

ROLE_ORDER = Case(
    *(When(role=role, then=Value(i)) for i, role in enumerate(MemberRole.values)),
    output_field=IntegerField(),
)


def active_member_count():
    """A correlated subquery (it uses the member_group_active index; no join on the list)."""
    counts = (
        Member.objects.filter(group=OuterRef("pk"), active=True)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def group_list(*, user):
    return (
        BusinessGroup.objects.visible_to(user)
        .select_related("regency", "district")
        .annotate(member_count=active_member_count())
    )


def group_members(*, group):
    return (
        group.members.filter(active=True)
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "full_name")
    )


def group_documents(*, group):
    return GroupDocument.objects.filter(group=group).select_related("uploaded_by")


# Change reasons are stored as ASCII keys by the services and shown translated.
CHANGE_REASONS = {
    "registered": _("Registered"),
    "verified": _("Verified"),
    "declared_eligible": _("Declared eligible"),
    "rejected": _("Rejected"),
    "deactivated": _("Deactivated"),
}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    subject: str
    action: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


def _entries(records, *, subject, fields):
    """History entries from simple_history records of one model, diffed in Python."""
    previous = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        if before is not None:
            for field in fields:
                old, new = getattr(before, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append(
                        (str(field.verbose_name), _shown(field, old), _shown(field, new))
                    )
        previous[record.id] = record
        if before is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "",
                subject=subject(record),
                action=CHANGE_REASONS.get(record.history_change_reason)
                or record.get_history_type_display(),
                changes=changes,
            )
        )
    return entries


def _shown(field, value):
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else str(value)


def group_history(*, group, limit=50) -> list[HistoryEntry]:
    """Every change to the group and its members, newest first (three queries)."""
    group_fields = [
        f
        for f in BusinessGroup._meta.concrete_fields
        if f.name
        not in {
            "id",
            "created_at",
            "updated_at",
            "status_changed_at",
            "status_changed_by",
            "created_by",
        }
    ]
    member_fields = [
        f
        for f in Member._meta.concrete_fields
        if f.name not in {"id", "group", "created_at", "updated_at"}
    ]
    group_records = BusinessGroup.history.filter(id=group.pk).select_related("history_user")
    member_records = Member.history.filter(group_id=group.pk).select_related("history_user")
    entries = _entries(group_records, subject=lambda r: r.name, fields=group_fields)
    entries += _entries(member_records, subject=lambda r: r.full_name, fields=member_fields)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
