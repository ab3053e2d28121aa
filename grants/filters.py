import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from grants.models import (
    Agreement,
    AgreementStatus,
    AidForm,
    Decree,
    DecreeStatus,
    Grant,
    GrantStatus,
    Handover,
    HandoverStatus,
    Program,
    SpendingReport,
    SpendingStatus,
    Tranche,
    TrancheStatus,
)
from regions.models import Regency


class GrantFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Program.objects.none()
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="regency", queryset=Regency.objects.none()
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
    paper = django_filters.ChoiceFilter(
        label=_("Paper trail"),
        choices=[
            ("no_decree", _("not in a signed decree")),
            ("no_agreement", _("in a signed decree, no agreement")),
            ("agreement_issued", _("agreement to have signed")),
            ("to_hand_over", _("in-kind, BAST to prepare")),
        ],
        method="with_paper",
    )

    class Meta:
        model = Grant
        fields = ["program", "regency", "status", "tranche", "paper"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.all()
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()

    def with_paper(self, queryset, name, value):
        signed_decree = Q(decree__status=DecreeStatus.SIGNED)
        in_force = Agreement.objects.filter(grant=OuterRef("pk")).exclude(
            status=AgreementStatus.CANCELLED
        )
        if value == "no_decree":
            return queryset.exclude(signed_decree)
        if value == "no_agreement":
            return queryset.filter(signed_decree).exclude(Exists(in_force))
        if value == "to_hand_over":
            handover = Handover.objects.filter(grant=OuterRef("pk")).exclude(
                status=HandoverStatus.CANCELLED
            )
            return queryset.filter(
                signed_decree,
                Exists(in_force.filter(status=AgreementStatus.SIGNED)),
                program__aid_form=AidForm.IN_KIND,
            ).exclude(Exists(handover))
        return queryset.filter(Exists(in_force.filter(status=AgreementStatus.ISSUED)))

    def with_tranche(self, queryset, name, value):
        if value == "none":
            return queryset.exclude(Exists(Tranche.objects.filter(grant=OuterRef("pk"))))
        return queryset.filter(Exists(Tranche.objects.filter(grant=OuterRef("pk"), status=value)))


class TrancheQueueFilter(django_filters.FilterSet):
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"),
        field_name="grant__regency",
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


class AgreementFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="grant__program", queryset=Program.objects.none()
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="grant__regency", queryset=Regency.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AgreementStatus.choices)

    class Meta:
        model = Agreement
        fields = ["program", "regency", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.all()
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()


class HandoverFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="grant__program", queryset=Program.objects.none()
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), field_name="grant__regency", queryset=Regency.objects.none()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HandoverStatus.choices)

    class Meta:
        model = Handover
        fields = ["program", "regency", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.filter(aid_form=AidForm.IN_KIND)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()


class SpendingFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="tranche__grant__program", queryset=Program.objects.none()
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"),
        field_name="tranche__grant__regency",
        queryset=Regency.objects.none(),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SpendingStatus.choices)

    class Meta:
        model = SpendingReport
        fields = ["program", "regency", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["program"].queryset = Program.objects.filter(aid_form=AidForm.CASH)
        self.filters["regency"].queryset = Regency.objects.visible_to(user).in_province()
