"""The filter fields written in Python (core/templatetags/lean_forms.py) are the markup
crispy-forms writes, whitespace aside: selects bound and unbound, with an error or help
text, text and date inputs."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from core.templatetags.lean_forms import lean_field
from regions.models import Regency


class Sample(forms.Form):
    q = forms.CharField(
        label="Cari", required=False, widget=forms.TextInput(attrs={"placeholder": "Nama"})
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "---------"), ("a", "A & B"), ("b", "B")]
    )
    regency = forms.ModelChoiceField(
        label="Kabupaten/kota",
        required=False,
        queryset=Regency.objects.order_by("code"),
        help_text="Pilih satu",
    )
    day = forms.DateField(
        label="Dari", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def normalized(html) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "a", "regency": "64.03", "day": "2026-03-02", "q": "Mekar"},
        {"status": "x", "regency": "99.99", "day": "kemarin"},
    ],
    ids=["unbound", "chosen", "errors"],
)
def test_lean_fields_match_crispy(kaltim, data):
    form = Sample(data)
    form.is_valid()
    for field in form:
        assert normalized(lean_field(field)) == normalized(as_crispy_field(field)), field.name
