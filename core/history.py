"""Change history for the detail pages, from django-simple-history records.

Each app passes the records of its models and the fields worth showing; the records are
diffed in Python (one query per model, however many changes there are).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    subject: str
    action: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


def history_fields(model, *, exclude: Iterable[str]) -> list:
    """The concrete fields of `model` that a history shows, all but `exclude`."""
    excluded = set(exclude)
    return [f for f in model._meta.concrete_fields if f.name not in excluded]


def history_entries(
    records,
    *,
    subject: Callable,
    fields,
    reasons: Mapping[str, str],
    formats: Mapping[str, Callable] | None = None,
) -> list[HistoryEntry]:
    """History entries from the simple_history records of one model, oldest first.

    `reasons` maps the ASCII change reasons the services store to their labels;
    `formats` maps a field name to how its values are shown (default: choice label or str).
    A record that changed none of `fields` is left out.
    """
    formats = formats or {}
    previous = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        if before is not None:
            for field in fields:
                old, new = getattr(before, field.attname), getattr(record, field.attname)
                if old != new:
                    shown = formats.get(field.name) or (lambda value, f=field: _shown(f, value))
                    changes.append((str(field.verbose_name), shown(old), shown(new)))
        previous[record.id] = record
        if before is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "",
                subject=subject(record),
                action=str(reasons.get(record.history_change_reason) or "")
                or record.get_history_type_display(),
                changes=changes,
            )
        )
    return entries


def newest_first(*entry_lists: list[HistoryEntry], limit: int) -> list[HistoryEntry]:
    entries = [entry for entries in entry_lists for entry in entries]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _shown(field, value):
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else str(value)
