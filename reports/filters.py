import django_filters
from django.utils.translation import gettext_lazy as _

from grants.models import Grant
from regions.models import Regency
from reports.models import AccountabilityReport, LpjStatus, ProgressReport


class OverdueFilter(django_filters.FilterSet):
    """The regency of the overdue list (the list itself is computed from the grants)."""

    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="group__regency", queryset=Regency.objects.none()
    )

    class Meta:
        model = Grant
        fields = ["regency"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()

    @property
    def chosen_regency(self):
        """The chosen regency, or None (none chosen, or not one the user may choose)."""
        if not self.is_bound or not self.form.is_valid():
            return None
        return self.form.cleaned_data.get("regency")


class ReviewQueueFilter(django_filters.FilterSet):
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="group__regency", queryset=Regency.objects.none()
    )

    class Meta:
        model = ProgressReport
        fields = ["regency"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()


class LpjFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LpjStatus.choices)
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="group__regency", queryset=Regency.objects.none()
    )

    class Meta:
        model = AccountabilityReport
        fields = ["year", "status", "regency"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()
