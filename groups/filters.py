import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import BusinessGroup, GroupStatus, Member, Sector
from regions.models import District, Regency

NIK_QUERY = re.compile(r"[0-9]{16}")
# A regency's Kemendagri code ("64.01"): anything else chooses no regency (a NUL byte in the
# query string was a server error on PostgreSQL).
REGENCY_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}")


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Group name, registration number or a member's NIK")}
        ),
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), queryset=Regency.objects.none()
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.none()
    )
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GroupStatus.choices)

    class Meta:
        model = BusinessGroup
        fields = ["q", "regency", "district", "sector", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regencies = Regency.objects.visible_to(user).in_province()
        self.filters["regency"].queryset = regencies
        # Districts of one regency only (the officer's, or the one chosen): every option of a
        # select is rendered through a template, and a province has a hundred districts.
        regency = user.regency_id if user.has_regency_scope else (self.data or {}).get("regency")
        if regency and REGENCY_CODE.fullmatch(str(regency)):  # typed in the query string too
            self.filters["district"].queryset = District.objects.filter(
                regency_id=regency, regency__in=regencies
            )
        else:
            self.filters["district"].extra["help_text"] = _("Choose a regency/city first.")

    def search(self, queryset, name, value):
        """A NIK (16 digits, spaces allowed) finds the group its holder is an active member
        of (the member_nik index); anything else is looked for in group names and
        registration numbers (trigram indexes on PostgreSQL). Kept apart: an OR of both
        could use neither index and read every group."""
        value = value.strip()
        if not value:
            return queryset
        nik = value.replace(" ", "")
        if NIK_QUERY.fullmatch(nik):
            holders = Member.objects.filter(nik=nik, active=True).values("group_id")
            return queryset.filter(pk__in=holders)
        return queryset.filter(Q(name__icontains=value) | Q(registration_number__icontains=value))
