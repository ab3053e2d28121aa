import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from core.forms import RupiahField as BaseRupiahField
from grants.models import QUANTITY_AT_MOST, Program, ProgramQuota
from groups.models import DocumentKind as GroupDocumentKind
from letters.selectors import officials


def RupiahField(**kwargs):
    """A grant or tranche amount: whole Rupiah, more than zero."""
    return BaseRupiahField(allow_zero=False, **kwargs)


class TrancheRequestForm(forms.Form):
    amount = RupiahField(label=_("Amount (Rp)"))
    purpose = forms.CharField(
        label=_("Purpose of the withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What the group will buy or pay with this money."),
    )
    # A fresh token per form shown: a repeated submit of the same form makes one tranche.
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)


class TransferForm(forms.Form):
    transferred_on = forms.DateField(label=_("Transfer date"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Transfer reference"), max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("transferred_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawal date"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Bank reference"), max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("withdrawn_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, group):
        return f"{group.name} ({group.registration_number})"


class GroupMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        return f"{group.name} ({group.registration_number})"


class BulkAwardForm(forms.Form):
    """The eligible groups of one regency to award the programme's default amount."""

    groups = GroupMultipleChoiceField(
        label=_("Groups"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = candidates


class AwardForm(forms.Form):
    """One group with an amount other than the default (its agreement, NPHD, is issued
    from the grant's page once a signed decree names it)."""

    group = GroupChoiceField(label=_("Group"), queryset=None)
    amount = RupiahField(label=_("Amount (Rp)"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = candidates


class ProgramForm(forms.ModelForm):
    """A programme's set-up: its budget, the groups it accepts and its tranche rules."""

    total_budget = RupiahField(label=_("Total budget (Rp)"))
    default_amount = RupiahField(label=_("Default amount per group (Rp)"))
    required_documents = forms.TypedMultipleChoiceField(
        label=_("Documents a group must have uploaded"),
        choices=GroupDocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "fiscal_year",
            "aid_form",
            "total_budget",
            "default_amount",
            "min_members",
            "max_members",
            "min_households",
            "max_decile",
            "required_documents",
            "first_tranche_max_percent",
            "max_tranches",
            "tranche_needs_report",
            "spending_share_percent",
            "transfer_needs_training",
        ]
        widgets = {"fiscal_year": forms.NumberInput(attrs={"inputmode": "numeric"})}
        localized_fields = []


class QuotaForm(forms.ModelForm):
    class Meta:
        model = ProgramQuota
        fields = ["regency", "group_count"]
        widgets = {"group_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})}

    def validate_constraints(self, exclude=None):
        # One quota per regency is checked across the whole table by the formset.
        pass


class BaseQuotaFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, regencies, **kwargs):
        self.regencies = regencies
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.fields["regency"].queryset = regencies

    def clean(self):
        super().clean()
        chosen = [
            f.cleaned_data["regency"]
            for f in self.forms
            if f.cleaned_data.get("regency") and not self._should_delete_form(f)
        ]
        twice = sorted({str(r) for r in chosen if chosen.count(r) > 1})
        if twice:
            raise forms.ValidationError(
                _("A regency has one quota: %(regencies)s twice.") % {"regencies": ", ".join(twice)}
            )

    def quotas_to_save(self):
        return [
            f.instance
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not self._should_delete_form(f)
        ]

    def quotas_to_remove(self):
        return [f.instance for f in self.deleted_forms if f.instance.pk]


def quota_formset(*, extra):
    return forms.inlineformset_factory(
        Program,
        ProgramQuota,
        form=QuotaForm,
        formset=BaseQuotaFormSet,
        extra=extra,
        can_delete=True,
    )


class OfficialChoiceField(forms.ModelChoiceField):
    """An official who signs: name, position and NIP."""

    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} · {user.position} · NIP {user.nip_display}"


class DecreePrepareForm(forms.Form):
    signatory = OfficialChoiceField(
        label=_("Signed by"),
        queryset=None,
        help_text=_("The official who signs the decree (usually the head of the office)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = officials()


class DecreeSignForm(forms.Form):
    signed_on = forms.DateField(label=_("Decree date"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class AgreementIssueForm(forms.Form):
    signatory = OfficialChoiceField(
        label=_("Signed for the province by"),
        queryset=None,
        help_text=_("PIHAK PERTAMA: usually the head of the office who signed the decree."),
    )
    issued_on = forms.DateField(label=_("Agreement date"), widget=DATE_WIDGET)

    def __init__(self, *args, grant=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("issued_on", timezone.localdate())
        if grant is not None and grant.decree_id:
            initial.setdefault("signatory", grant.decree.signatory_id)
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = officials()


class UploadForm(forms.Form):
    """The scan of a signed document (dated by the document itself)."""

    scan = forms.FileField(
        label=_("Signed scan (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ScanForm(forms.Form):
    """The date a document was signed and the scan of it signed."""

    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET)
    scan = forms.FileField(
        label=_("Signed scan (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class HandoverForm(forms.Form):
    official = OfficialChoiceField(
        label=_("Handed over by"),
        queryset=None,
        help_text=_("PIHAK PERTAMA: the official who hands the goods over."),
    )
    handed_over_on = forms.DateField(label=_("Handover date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place of handover"), max_length=200)

    def __init__(self, *args, grant, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("handed_over_on", timezone.localdate())
        initial.setdefault("place", f"{grant.group.village.name}, {grant.group.regency.name}")
        if grant.decree_id:
            initial.setdefault("official", grant.decree.signatory_id)
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials()


class HandoverItemForm(forms.Form):
    name = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=QUANTITY_AT_MOST)
    unit = forms.CharField(label=_("Unit"), max_length=30)
    unit_value = RupiahField(label=_("Unit value (Rp)"))


HandoverItemFormSet = forms.formset_factory(HandoverItemForm, extra=6, min_num=1, validate_min=True)


class SpendingLineForm(forms.Form):
    """One purchase paid from a tranche, with its receipt or photo."""

    item = forms.CharField(label=_("Item bought"), max_length=200)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=QUANTITY_AT_MOST, initial=1
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, initial="unit")
    amount = RupiahField(label=_("Amount paid (Rp)"))
    spent_on = forms.DateField(label=_("Date of purchase"), widget=DATE_WIDGET)
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    receipt = forms.FileField(
        label=_("Receipt or photo (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("spent_on", timezone.localdate())
        super().__init__(*args, **kwargs)
