"""Form fields every app uses the same way."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# "12.500.000", "Rp 12.500.000", "Rp12.500.000,-", "12500000,00", "-1.500.000" (whitespace
# is dropped first, so "12 500 000" is read as 12500000 too)
_RUPIAH = re.compile(
    r"(?P<sign>-)?(?:rp\.?)?(?P<sign2>-)?(?P<digits>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,-|,0+)?"
)
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})
# A thousand trillion Rupiah: far above any budget, and within a 64-bit integer column.
MAX_RUPIAH = 10**15
# Longer input is refused before it is parsed: 15 digits, their dots, "Rp", a sign, ",00".
MAX_RUPIAH_CHARS = 40


class DateInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy whatever the browser's language (a browser's
    own date picker follows its language: mm/dd/yyyy in an English browser)."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": _("dd/mm/yyyy"),
                "data-date": "",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


DATE_WIDGET = DateInput()


class RupiahInput(forms.TextInput):
    """A whole-Rupiah amount shown with dot thousands (12.500.000) and a numeric keypad."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "data-rupiah": "", **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return super().format_value(value)


class RupiahField(forms.Field):
    """Whole Rupiah typed as people write it: 12.500.000, Rp 12.500.000 or 12500000 (",00"
    or ",-" at the end is accepted and dropped; the Rupiah has no cents in use). Zero only
    where `allow_zero`, a negative amount only where `allow_negative` (a loss). Bounded
    before conversion: no input can make the server parse a huge number."""

    widget = RupiahInput
    default_error_messages = {
        "invalid": _("Enter a whole Rupiah amount, for example 12.500.000."),
        "negative": _("The amount cannot be negative."),
        "zero": _("The amount must be more than Rp0."),
        "too_large": _("The amount is too large."),
    }

    def __init__(self, *, allow_negative=False, allow_zero=True, **kwargs):
        self.allow_negative, self.allow_zero = allow_negative, allow_zero
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = str(value)
        if len(text) > MAX_RUPIAH_CHARS:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        text = re.sub(r"\s+", "", text).lower().translate(_MINUSES)
        match = _RUPIAH.fullmatch(text)
        if not match or (match["sign"] and match["sign2"]):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(match["digits"].replace(".", ""))
        if match["sign"] or match["sign2"]:
            amount = -amount
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount == 0 and not self.allow_zero:
            raise forms.ValidationError(self.error_messages["zero"], code="zero")
        if abs(amount) >= MAX_RUPIAH:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount
