"""One Rupiah field for every amount: read as people type it, bounded before it is parsed."""

import pytest
from django import forms

from core.forms import MAX_RUPIAH, RupiahField


class AmountForm(forms.Form):
    amount = RupiahField()
    loss = RupiahField(allow_negative=True, required=False)
    grant = RupiahField(allow_zero=False, required=False)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.500.000", 12_500_000),
        ("Rp 12.500.000", 12_500_000),
        ("Rp12.500.000,-", 12_500_000),
        ("12500000,00", 12_500_000),
        ("12 500 000", 12_500_000),
        ("0", 0),
    ],
)
def test_amounts_as_people_type_them(typed, value):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == value


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "9" * 5000}, "amount", "The amount is too large."),
        ({"amount": "1" + "0" * 15}, "amount", "The amount is too large."),
        ({"amount": "12,5 juta"}, "amount", "Enter a whole Rupiah amount"),
        ({"amount": "-5.000"}, "amount", "The amount cannot be negative."),
        ({"amount": "1", "grant": "0"}, "grant", "The amount must be more than Rp0."),
    ],
)
def test_what_is_refused_says_why(data, field, message, settings):
    settings.LANGUAGE_CODE = "en"
    form = AmountForm(data)
    assert not form.is_valid()
    assert message in form.errors[field][0]


def test_a_loss_may_be_negative():
    form = AmountForm({"amount": "1", "loss": "-1.500.000"})
    assert form.is_valid() and form.cleaned_data["loss"] == -1_500_000


def test_the_largest_amount_fits_a_bigint_column():
    assert MAX_RUPIAH < 2**63


@pytest.mark.parametrize("url_name", ["tranche", "report"])
def test_a_huge_amount_in_a_page_form_is_a_message_not_an_error(
    client, kaltim, province_staff, paser_officer, url_name
):
    from django.urls import reverse

    from tests.grants.money import open_program, transferred_grant

    grant = transferred_grant(open_program(), province_staff)
    client.force_login(paser_officer)
    if url_name == "tranche":
        url = reverse("grants:tranche_request", args=[grant.pk])
        data = {
            "amount": "9" * 5000,
            "purpose": "Bahan",
            "token": "8d3b0f0e-1f0e-4a4b-9d2e-0c1f1a1b1c1d",
        }
    else:
        url = reverse("reports:report_create") + f"?grant={grant.pk}&year=2026&term=1"
        data = {
            "revenue": "9" * 5000,
            "costs": "1",
            "capital_used": "1",
            "asset_value": "1",
            "cash_balance": "1",
            "active_members": "9" * 5000,
            "jobs_created": "0",
            "condition": "stabil",
        }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
