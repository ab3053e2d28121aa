"""A report's state as a badge, in Python (templates/reports/includes/status_badge.html
writes the same markup for templates)."""

from django.utils.html import format_html

BADGE_CLASSES = {
    "accepted": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-danger",
    "missing": "text-bg-warning",
}


def report_badge(status: str, label) -> str:
    """A report's status, or "missing"."""
    return format_html(
        '<span class="badge status-badge report-status-{} {}">{}</span>',
        status,
        BADGE_CLASSES.get(status, "text-bg-secondary"),
        label,
    )
