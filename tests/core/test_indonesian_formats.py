import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation


def render(source: str, **context) -> str:
    return Template("{% load indonesia %}" + source).render(Context(context))


class TestRupiahAndTerbilang:
    def test_rupiah(self):
        assert render("{{ amount|rupiah }}", amount=20_000_000) == "Rp20.000.000"

    def test_rupiah_small_and_zero(self):
        assert render("{{ a|rupiah }} {{ b|rupiah }}", a=500, b=0) == "Rp500 Rp0"

    def test_rupiah_of_nothing_is_empty(self):
        assert render("[{{ amount|rupiah }}]", amount=None) == "[]"

    def test_terbilang(self):
        assert render("{{ amount|terbilang }}", amount=20_000_000) == "dua puluh juta rupiah"

    def test_official_form(self):
        out = render("{{ a|rupiah }} ({{ a|terbilang }})", a=3_500_000_000)
        assert out == "Rp3.500.000.000 (tiga miliar lima ratus juta rupiah)"


class TestDatesAndNumbersInIndonesian:
    def test_full_month_name(self):
        with translation.override("id"):
            assert formats.date_format(datetime.date(2025, 8, 17)) == "17 Agustus 2025"

    def test_thousand_separator_on(self):
        with translation.override("id"):
            assert formats.number_format(3500000, use_l10n=True, force_grouping=False) == (
                "3.500.000"
            )

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("17-08-2025", datetime.date(2025, 8, 17)),
            ("17/08/2025", datetime.date(2025, 8, 17)),
            ("2025-08-17", datetime.date(2025, 8, 17)),
        ],
    )
    def test_day_first_input(self, typed, expected):
        with translation.override("id"):
            assert forms.DateField().clean(typed) == expected

    def test_us_month_first_input_is_not_accepted(self):
        """08/17/2025 is not a date in Indonesia; 03/04/2025 means 3 April."""
        with translation.override("id"):
            with pytest.raises(forms.ValidationError):
                forms.DateField().clean("08/17/2025")
            assert forms.DateField().clean("03/04/2025") == datetime.date(2025, 4, 3)
