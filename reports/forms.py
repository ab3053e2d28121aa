import re

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import BusinessCondition, ProgressReport
from reports.services import FIGURES

# "12.500.000", "Rp 12.500.000", "Rp12.500.000,-", "12500000", "-1.500.000" (whitespace is
# dropped first, so "12 500 000" is read as 12500000 too)
_RUPIAH = re.compile(
    r"(?P<sign>-)?(?:rp\.?)?(?P<sign2>-)?(?P<digits>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,-|,0+)?"
)
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})
MAX_RUPIAH = 10**15  # a thousand trillion Rupiah: far above any group's figures


class RupiahInput(forms.TextInput):
    """A whole-Rupiah amount shown with dot thousands (12.500.000) and a numeric keypad."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "form-control-lg",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return super().format_value(value)


class RupiahField(forms.Field):
    """Whole Rupiah typed as people write it: 12.500.000, Rp 12.500.000 or 12500000.
    Zero is allowed; a negative amount only where `allow_negative` (a loss)."""

    widget = RupiahInput
    default_error_messages = {
        "invalid": _("Enter a whole Rupiah amount, for example 12.500.000."),
        "negative": _("The amount cannot be negative."),
        "too_large": _("The amount is too large."),
    }

    def __init__(self, *, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = re.sub(r"\s+", "", str(value)).lower().translate(_MINUSES)
        match = _RUPIAH.fullmatch(text)
        if not match or (match["sign"] and match["sign2"]):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(match["digits"].replace(".", ""))
        if match["sign"] or match["sign2"]:
            amount = -amount
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if abs(amount) >= MAX_RUPIAH:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount


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
