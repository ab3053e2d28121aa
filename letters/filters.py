import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from letters.models import DocumentKind, Letter, LetterStatus
from regions.models import Regency


class LetterFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind of document"), choices=DocumentKind.choices)
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LetterStatus.choices)
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), queryset=Regency.objects.none()
    )
    q = django_filters.CharFilter(label=_("Number or subject"), method="search")

    class Meta:
        model = Letter
        fields = ["kind", "year", "status", "regency", "q"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()
        if not user.has_province_scope:
            del self.filters["regency"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(subject__icontains=value))
