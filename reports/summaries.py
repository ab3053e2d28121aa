"""Per-regency summaries of grants and tranches, kept current by the grants services.

`refresh_regency_summary` recomputes one (programme, regency) row from the raw rows: cheap
(one regency of one programme) and always right, so every service that changes a grant or
a tranche calls it inside its own transaction. The summary row is locked before the raw rows
are read, so two transactions changing the same regency refresh it one after the other and
the second sees the first's committed rows.
"""

from django.db import transaction

from grants.models import Grant, Program, Tranche
from reports.dashboard import GrantFigures, grant_figures_from_rows
from reports.models import RegencySummary


def _raw_figures(*, program_id, regency_id) -> GrantFigures:
    figures = grant_figures_from_rows(
        grants=Grant.objects.filter(program_id=program_id, group__regency_id=regency_id),
        tranches=Tranche.objects.filter(
            grant__program_id=program_id, grant__group__regency_id=regency_id
        ),
    )
    return figures.get((program_id, regency_id), GrantFigures())


@transaction.atomic
def refresh_regency_summary(*, program_id: int, regency_id: str) -> RegencySummary:
    """Recompute the summary of one programme in one regency from the raw rows."""
    year = Program.objects.values_list("fiscal_year", flat=True).get(pk=program_id)
    RegencySummary.objects.get_or_create(
        program_id=program_id, regency_id=regency_id, defaults={"program_year": year}
    )
    summary = RegencySummary.objects.select_for_update().get(
        program_id=program_id, regency_id=regency_id
    )
    figures = _raw_figures(program_id=program_id, regency_id=regency_id)
    summary.program_year = year
    for name in RegencySummary.FIGURES:
        setattr(summary, name, getattr(figures, name))
    summary.save()
    return summary


@transaction.atomic
def refresh_all_summaries() -> int:
    """Rebuild every summary from the raw rows; returns the number of rows written."""
    figures = grant_figures_from_rows(grants=Grant.objects.all(), tranches=Tranche.objects.all())
    years = dict(Program.objects.values_list("pk", "fiscal_year"))
    RegencySummary.objects.all().delete()
    RegencySummary.objects.bulk_create(
        RegencySummary(
            program_id=program_id,
            regency_id=regency_id,
            program_year=years[program_id],
            **{name: getattr(item, name) for name in RegencySummary.FIGURES},
        )
        for (program_id, regency_id), item in figures.items()
    )
    return len(figures)
