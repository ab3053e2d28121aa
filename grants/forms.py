import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from core.forms import RupiahField as BaseRupiahField


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
    """One group with an amount other than the default, and its agreement (NPHD) if known."""

    group = GroupChoiceField(label=_("Group"), queryset=None)
    amount = RupiahField(label=_("Amount (Rp)"))
    agreement_number = forms.CharField(
        label=_("Agreement number (NPHD)"), max_length=100, required=False
    )
    agreement_date = forms.DateField(label=_("Agreement date"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = candidates
