import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from grants.models import (
    Decree,
    DecreeStatus,
    Grant,
    GrantStatus,
    Program,
    Tranche,
    TrancheStatus,
)
from regions.models import Regency


class GrantFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Program.objects.none()
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="group__regency", queryset=Regency.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GrantStatus.choices)
    tranche = django_filters.ChoiceFilter(
        label=_("Has a tranche"),
        choices=[
            (TrancheStatus.REQUESTED, _("waiting for a decision")),
            (TrancheStatus.APPROVED, _("approved, to record as withdrawn")),
            ("none", _("none yet")),
        ],
        method="with_tranche",
    )

    class Meta:
        model = Grant
        fields = ["program", "regency", "status", "tranche"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.all()
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()

    def with_tranche(self, queryset, name, value):
        if value == "none":
            return queryset.exclude(Exists(Tranche.objects.filter(grant=OuterRef("pk"))))
        return queryset.filter(Exists(Tranche.objects.filter(grant=OuterRef("pk"), status=value)))


class TrancheQueueFilter(django_filters.FilterSet):
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"),
        field_name="grant__group__regency",
        queryset=Regency.objects.none(),
    )

    class Meta:
        model = Tranche
        fields = ["regency"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()


class DecreeFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Program.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DecreeStatus.choices)

    class Meta:
        model = Decree
        fields = ["program", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.all()
