"""Shares of a whole, computed one way everywhere: screens, workbooks and PDFs."""

from decimal import Decimal


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent with one decimal, rounded half up, from integers only;
    None when the whole is empty (nothing to share)."""
    if not whole:
        return None
    tenths = (part * 1000 * 2 + whole) // (whole * 2)
    return Decimal(tenths) / 10


def format_percent(value: Decimal | None) -> str:
    """`33,3 %` as Indonesian writes it; `-` for no value."""
    if value is None:
        return "-"
    return f"{value:.1f} %".replace(".", ",")
