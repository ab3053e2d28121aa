"""The set-based build (demo/scale.py: what `make bench` builds its databases with, through
benchmarks/dashboard.py) on a tiny data set: it must satisfy every constraint of the current
schema and its own consistency checks, so that a schema change that breaks it fails here,
not in a bench run. PostgreSQL only (the build is PostgreSQL SQL)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

# The builder itself, not the benchmark script: the script sets environment variables for
# its own runs (allowed hosts, settings), which would leak into servers other tests start.
from demo import scale
from grants.models import Agreement, Decree, Grant, Program, SpendingReport, Tranche
from groups.models import BusinessGroup
from letters.models import Letter, LetterCounter

GROUPS = 60


@pytest.fixture
def built(postgres, kaltim):
    today = timezone.localdate()
    staff, approver, officer = scale.scale_users()
    scale.build(
        groups=GROUPS,
        national=False,
        staff=staff,
        approver=approver,
        officer=officer,
        today=today,
    )
    call_command("refresh_summaries", stdout=io.StringIO())
    return Program.objects.get(name=scale.PROGRAM_NAME), staff, today


def test_the_build_passes_its_checks_with_the_paper_trail(built):
    program, staff, today = built
    scale.check_totals(program.pk)  # Inconsistent when a running total or the paper
    # trail disagrees with the rows
    assert scale.raw_figures() == scale.summary_figures()
    assert scale.reporting_matches(staff, today)

    assert BusinessGroup.objects.filter(created_by=staff).count() == GROUPS
    grants = Grant.objects.filter(program=program)
    given = grants.filter(status__in=["transferred", "active", "completed"])
    assert given.exists()
    # every grant given its aid is in a signed decree and has a signed agreement
    assert not given.exclude(decree__status="signed").exists()
    assert not given.exclude(agreements__status="signed").exists()
    assert Decree.objects.filter(program=program).exclude(status="signed").count() == 0
    # the grants only awarded have theirs to sign
    issued = Agreement.objects.filter(grant__program=program, status="issued")
    assert issued.count() == grants.filter(status="awarded").count()
    # approved and withdrawn tranches have their letters; withdrawn ones their spending
    approved = Tranche.objects.filter(grant__program=program, status__in=["approved", "withdrawn"])
    assert approved.exists() and not approved.filter(letter__isnull=True).exists()
    withdrawn = Tranche.objects.filter(grant__program=program, status="withdrawn")
    assert SpendingReport.objects.filter(tranche__in=withdrawn).count() == withdrawn.count()
    assert grants.filter(accounted_amount__gt=0).exists()  # equal to the accepted spending


def test_register_numbers_follow_the_patterns_without_gaps(built):
    letters = Letter.objects.all()
    assert {"decree", "agreement", "tranche_letter"} <= set(letters.values_list("kind", flat=True))
    for counter in LetterCounter.objects.all():
        sequences = sorted(
            letters.filter(kind=counter.kind, year=counter.year).values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, counter.last_number + 1))
    decree = Decree.objects.select_related("letter").order_by("signed_on").first()
    assert decree.letter.number == (
        f"400.9.5/{decree.letter.sequence:04d}/SK-PENERIMA/DINSOS/{decree.signed_on.year}"
    )


def test_an_inconsistent_paper_trail_is_caught(built):
    program, _staff, _today = built
    grant = Grant.objects.filter(program=program, status="active").first()
    Agreement.objects.filter(grant=grant).update(status="issued", signed_on=None, scan=None)
    with pytest.raises(scale.Inconsistent, match="signed agreement"):
        scale.check_totals(program.pk)


def test_removing_the_build_leaves_no_row_and_resets_the_counters(built):
    _program, staff, _today = built
    scale.remove_earlier_build(staff)
    assert not Program.objects.filter(name=scale.PROGRAM_NAME).exists()
    assert not BusinessGroup.objects.filter(created_by=staff).exists()
    assert not Letter.objects.exists()
    assert set(LetterCounter.objects.values_list("last_number", flat=True)) == {0}
