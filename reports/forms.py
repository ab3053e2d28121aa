from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RupiahField as BaseRupiahField
from core.forms import RupiahInput
from reports.models import BusinessCondition, ProgressReport
from reports.services import FIGURES


def RupiahField(**kwargs):
    """A figure of the report in whole Rupiah, typed large on a phone."""
    return BaseRupiahField(widget=RupiahInput({"class": "form-control-lg"}), **kwargs)


COUNT_WIDGET = forms.NumberInput(
    attrs={"inputmode": "numeric", "min": 0, "class": "form-control-lg"}
)


class ReportForm(forms.ModelForm):
    """The figures of one catur wulan. Validation only: the services write the report."""

    revenue = RupiahField(label=_("Revenue (omzet) in the period (Rp)"))
    costs = RupiahField(label=_("Costs in the period (Rp)"))
    profit = RupiahField(
        label=_("Profit in the period (Rp)"),
        allow_negative=True,
        required=False,
        help_text=_(
            "Leave empty to use revenue minus costs. A loss is negative, for example -500.000."
        ),
    )
    capital_used = RupiahField(
        label=_("Grant capital used so far (Rp)"),
        help_text=_("How much of the grant the group has spent up to the end of the period."),
    )
    asset_value = RupiahField(label=_("Value of the business assets (Rp)"))
    cash_balance = RupiahField(label=_("Cash and bank balance (Rp)"))

    class Meta:
        model = ProgressReport
        fields = FIGURES
        labels = {
            "active_members": _("Active members"),
            "jobs_created": _("Jobs created"),
            "condition": _("Business condition"),
            "problems": _("Problems (kendala)"),
            "narrative": _("Narrative"),
        }
        help_texts = {
            "jobs_created": _("People working in the business who are not members."),
            "narrative": _("What the group did in the period, in a few sentences."),
        }
        widgets = {
            "active_members": COUNT_WIDGET,
            "jobs_created": COUNT_WIDGET,
            "condition": forms.RadioSelect,
            "problems": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = BusinessCondition.choices  # no empty radio

    def clean(self):
        cleaned = super().clean()
        revenue, costs = cleaned.get("revenue"), cleaned.get("costs")
        if cleaned.get("profit") is None and "profit" not in self.errors:
            if revenue is not None and costs is not None:
                cleaned["profit"] = revenue - costs
            else:
                cleaned["profit"] = None
        return cleaned

    @property
    def figures(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
