"""Reads for the group pages: one place for what each page loads and how."""

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.history import HistoryEntry, history_entries, history_fields, newest_first
from core.pagination import KeysFirst
from core.personal_data import mask
from groups.models import BusinessGroup, GroupDocument, Member, MemberRole
from regions.models import Village

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
    return BusinessGroup.objects.visible_to(user).select_related("regency", "district")


def group_list_rows(queryset) -> KeysFirst:
    """The list's rows: a page is chosen by its keys, and the member count is computed for
    the page's 25 groups only (not for the rows a deep page skips)."""
    return KeysFirst(queryset, member_count=active_member_count())


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
    "imported": _("Imported"),
}


def _village_names(records):
    """How a history shows a village: its name and code (one query, only when the group's
    village has changed)."""
    codes = {r.village_id for r in records}
    names = {}
    if len(codes) > 1:
        names = dict(Village.objects.filter(code__in=codes).values_list("code", "name"))
    return lambda code: f"{names[code]} ({code})" if code in names else (code or "")


def group_history(*, group, limit=50) -> list[HistoryEntry]:
    """Every change to the group and its members, newest first (three queries, four when
    the village changed)."""
    group_fields = history_fields(
        BusinessGroup,
        exclude={
            "id",
            "created_at",
            "updated_at",
            "status_changed_at",
            "status_changed_by",
            "created_by",
        },
    )
    member_fields = history_fields(Member, exclude={"id", "group", "created_at", "updated_at"})
    group_records = list(BusinessGroup.history.filter(id=group.pk).select_related("history_user"))
    member_records = Member.history.filter(group_id=group.pk).select_related("history_user")
    return newest_first(
        history_entries(
            group_records,
            subject=lambda r: r.name,
            fields=group_fields,
            reasons=CHANGE_REASONS,
            formats={"village": _village_names(group_records)},
        ),
        history_entries(
            member_records,
            subject=lambda r: r.full_name,
            fields=member_fields,
            reasons=CHANGE_REASONS,
            # Masked for every reader (UU PDP 27/2022), before and after alike.
            formats={"nik": mask, "kk_number": mask},
        ),
        limit=limit,
    )
