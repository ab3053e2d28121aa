import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from grants.models import Program
from regions.models import Regency
from training.models import MentoringVisit, TrainingSession, VisitKind
from training.selectors import open_follow_ups, without_attendance


class SessionFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Program.objects.none()
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"),
        queryset=Regency.objects.none(),
        null_label=_("Province-wide"),
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="end_date", lookup_expr="gte", widget=DATE_WIDGET
    )
    date_until = django_filters.DateFilter(
        label=_("Until"), field_name="start_date", lookup_expr="lte", widget=DATE_WIDGET
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Attendance"),
        choices=[("missing", _("not recorded yet"))],
        method="attendance_missing",
    )

    class Meta:
        model = TrainingSession
        fields = ["program", "regency", "date_from", "date_until", "attendance"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["program"].queryset = Program.objects.order_by("-fiscal_year", "name")
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()

    def attendance_missing(self, queryset, name, value):
        """Sessions that have begun with no attendance recorded; for a regency user, those of
        their regency (the province records the province-wide ones), as on their home page."""
        if not self.user.has_province_scope:
            queryset = queryset.filter(regency_id=self.user.regency_id)
        return without_attendance(queryset, today=timezone.localdate())


class VisitFilter(django_filters.FilterSet):
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="group__regency", queryset=Regency.objects.none()
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=VisitKind.choices)
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="visited_on", lookup_expr="gte", widget=DATE_WIDGET
    )
    date_until = django_filters.DateFilter(
        label=_("Until"), field_name="visited_on", lookup_expr="lte", widget=DATE_WIDGET
    )
    follow_up = django_filters.ChoiceFilter(
        label=_("Follow-up"),
        choices=[("due", _("due (no later visit yet)")), ("open", _("open"))],
        method="with_follow_up",
    )
    q = django_filters.CharFilter(
        label=_("Group"),
        field_name="group__name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": _("Group name")}),
    )

    class Meta:
        model = MentoringVisit
        fields = ["regency", "kind", "date_from", "date_until", "follow_up", "q"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()

    def with_follow_up(self, queryset, name, value):
        queryset = open_follow_ups(queryset)
        if value == "due":
            queryset = queryset.filter(follow_up_due__lte=timezone.localdate())
        return queryset
