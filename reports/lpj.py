"""The yearly accountability report (LPJ) of a group: what its grants released in the year,
what that bought (the accepted spending, or the handover record of in-kind aid), and how the
business went (the year's accepted progress reports). The page and the PDF show the same."""

from dataclasses import dataclass, field

from grants.models import (
    AidForm,
    HandoverStatus,
    SpendingLine,
    SpendingStatus,
    Tranche,
    TrancheStatus,
)
from reports import rules
from reports.models import AccountabilityReport, ProgressReport, ReportStatus
from reports.periods import LpjYear


@dataclass
class LpjContent:
    group: object
    year: int
    grants: list
    tranches: list  # withdrawn in the year, with their spending
    lines: list  # the accepted purchases of those tranches
    handovers: list  # in-kind aid handed over in the year, with their items
    reports: list  # the year's accepted progress reports
    lpj: AccountabilityReport | None = None
    unaccepted: list = field(default_factory=list)  # tranches whose spending is not accepted

    @property
    def period(self) -> LpjYear:
        return LpjYear(self.year)

    @property
    def withdrawn(self) -> int:
        return sum(t.amount for t in self.tranches) + sum(h.total for h in self.handovers)

    @property
    def accounted(self) -> int:
        return sum(line.amount for line in self.lines) + sum(h.total for h in self.handovers)

    @property
    def unaccounted(self) -> int:
        return self.withdrawn - self.accounted


def lpj_content(*, group, year: int) -> LpjContent:
    """Everything the LPJ of `group` for `year` shows; a handful of queries."""
    grants = list(
        rules.lpj_grants(group=group, year=year).select_related(
            "decree__letter", "program", "group"
        )
    )
    tranches = list(
        Tranche.objects.filter(
            grant__in=grants, status=TrancheStatus.WITHDRAWN, withdrawn_on__year=year
        )
        .select_related("spending", "grant__program", "letter")
        .order_by("withdrawn_on", "sequence")
    )
    accepted = [
        t.spending.pk
        for t in tranches
        if getattr(t, "spending", None) and t.spending.status == SpendingStatus.ACCEPTED
    ]
    lines = list(
        SpendingLine.objects.filter(report_id__in=accepted)
        .select_related("report__tranche", "receipt")
        .order_by("spent_on", "pk")
    )
    handovers = [
        handover
        for grant in grants
        if grant.program.aid_form == AidForm.IN_KIND
        for handover in grant.handovers.filter(
            status=HandoverStatus.SIGNED, handed_over_on__year=year
        )
        .select_related("letter")
        .prefetch_related("items")
    ]
    reports = list(
        ProgressReport.objects.filter(
            group=group, year=year, status=ReportStatus.ACCEPTED
        ).order_by("term")
    )
    return LpjContent(
        group=group,
        year=year,
        grants=grants,
        tranches=tranches,
        lines=lines,
        handovers=handovers,
        reports=reports,
        lpj=AccountabilityReport.objects.filter(group=group, year=year)
        .select_related("receipt", "received_by", "submitted_by")
        .first(),
        unaccepted=[
            t
            for t in tranches
            if getattr(t, "spending", None) is None or t.spending.pk not in accepted
        ],
    )
