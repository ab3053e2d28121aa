"""Server-side SVG charts of the dashboard: geometry computed here from integers, drawn by
templates/reports/includes/chart_*.html with SVG presentation attributes only (the CSP
allows no inline style and no inline script). Every chart has its table beside it."""

from dataclasses import dataclass

from reports.models import BusinessCondition

WIDTH = 170  # px of a full (100 %) bar
LABEL = 165  # px left of the bars for the labels
ROW = 26  # px per bar


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    fill: str
    label: str


@dataclass(frozen=True)
class Bar:
    y: int
    text_y: int
    label: str
    segments: list[Segment]
    value: str  # the figure written after the bar


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = LABEL + WIDTH + 60
    label_width: int = LABEL
    track: int = WIDTH


def _px(part: int, whole: int) -> int:
    return 0 if not whole else (part * WIDTH * 2 + whole) // (whole * 2)


def short_name(name: str) -> str:
    """ "Kabupaten Kutai Kartanegara" → "Kab. Kutai Kartanegara" (labels of a chart)."""
    return name.replace("Kabupaten ", "Kab. ", 1)


def _chart(rows) -> Chart:
    bars = []
    for index, (label, segments, value) in enumerate(rows):
        y = 4 + index * ROW
        x, drawn = LABEL, []
        for width, fill, name in segments:
            drawn.append(Segment(x, width, fill, name))
            x += width
        bars.append(Bar(y, y + 14, label, drawn, value))
    return Chart(bars=bars, height=8 + len(bars) * ROW)


def _pct(value) -> str:
    return "\u2013" if value is None else f"{value:.1f} %".replace(".", ",")


def absorption(rows) -> Chart:
    """Per regency: withdrawn (dark) and transferred but not withdrawn (light) of the
    amount awarded, on a 100 % track."""
    items = []
    for row in rows:
        money = row.money
        withdrawn = _px(money.amount_withdrawn, money.amount_awarded)
        transferred = max(_px(money.amount_transferred, money.amount_awarded) - withdrawn, 0)
        items.append(
            (
                short_name(row.name),
                [(withdrawn, "#146c43", "withdrawn"), (transferred, "#a3cfbb", "transferred")],
                _pct(row.withdrawn_percent),
            )
        )
    return _chart(items)


def compliance(periods) -> Chart:
    """Per period: accepted, submitted and missing reports of the groups owing them."""
    items = []
    for item in periods:
        accepted = _px(item.accepted, item.owing)
        submitted = _px(item.accepted + item.submitted, item.owing) - accepted
        missing = (WIDTH if item.owing else 0) - accepted - submitted
        items.append(
            (
                str(item.period),
                [
                    (accepted, "#146c43", "accepted"),
                    (submitted, "#0d6efd", "submitted"),
                    (missing, "#dee2e6", "missing"),
                ],
                _pct(item.reported_percent),
            )
        )
    return _chart(items)


CONDITION_FILLS = {
    BusinessCondition.GROWING: "#146c43",
    BusinessCondition.STABLE: "#0d6efd",
    BusinessCondition.DECLINING: "#9a4d00",
    BusinessCondition.STOPPED: "#b02a37",
}


def conditions(counts: dict) -> Chart:
    """Accepted reports of the last due period per business condition."""
    largest = max(counts.values(), default=0)
    items = [
        (
            str(BusinessCondition(condition).label),
            [(_px(n, largest), CONDITION_FILLS[condition], condition)],
            str(n),
        )
        for condition, n in counts.items()
    ]
    return _chart(items)
