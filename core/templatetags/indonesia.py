from django import template

from core.indonesia import format_rupiah, terbilang_rupiah
from core.numbers import format_percent
from core.personal_data import mask

register = template.Library()


@register.filter
def rupiah(amount):
    """`{{ 20000000|rupiah }}` → `Rp20.000.000`; empty for a missing amount."""
    if amount is None or amount == "":
        return ""
    return format_rupiah(amount)


@register.filter
def terbilang(amount):
    """`{{ 20000000|terbilang }}` → `dua puluh juta rupiah`."""
    if amount is None or amount == "":
        return ""
    return terbilang_rupiah(amount)


@register.filter
def percent(value):
    """`{{ share|percent }}` → `33,3 %` (a value of core.numbers.percent); `-` for None."""
    return format_percent(None if value == "" else value)


@register.filter
def masked(value):
    """`{{ member.nik|masked }}` → `6401********0001` (core.personal_data.mask)."""
    return mask(value)
