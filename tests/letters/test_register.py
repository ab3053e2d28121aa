"""The outgoing-letter register: numbers without gaps per kind and year, in the office's
pattern, given inside the issuing transaction; a cancelled document keeps its number."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import DomainError
from letters.models import DocumentKind, Letter, LetterSeries, LetterStatus, validate_pattern
from letters.services import cancel_letter, issue_letter

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 8, 17)


def issue(kind=DocumentKind.AGREEMENT, *, by, day=DAY, **fields):
    with transaction.atomic():
        return issue_letter(kind=kind, subject="NPHD KUBE Uji", by=by, issued_on=day, **fields)


def test_numbers_follow_the_pattern_one_after_the_other(province_staff):
    first, second = issue(by=province_staff), issue(by=province_staff)

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.number == "400.9.5/0001/NPHD/DINSOS/2026"
    assert second.number == "400.9.5/0002/NPHD/DINSOS/2026"
    assert (first.kind, first.year, first.issued_on, first.issued_by) == (
        DocumentKind.AGREEMENT,
        2026,
        DAY,
        province_staff,
    )


def test_each_kind_and_year_counts_on_its_own(province_staff):
    issue(by=province_staff)
    decree = issue(DocumentKind.DECREE, by=province_staff)
    next_year = issue(by=province_staff, day=datetime.date(2027, 1, 4))
    again = issue(by=province_staff)

    assert decree.number == "400.9.5/0001/SK-PENERIMA/DINSOS/2026"
    assert next_year.number == "400.9.5/0001/NPHD/DINSOS/2027"
    assert again.number == "400.9.5/0002/NPHD/DINSOS/2026"


def test_a_document_that_is_not_issued_gives_its_number_back(province_staff):
    """The number is taken inside the issuing transaction: a refusal after it rolls back."""
    issue(by=province_staff)
    with pytest.raises(DomainError), transaction.atomic():
        issue_letter(kind=DocumentKind.AGREEMENT, subject="Batal", by=province_staff)
        raise DomainError("refused after the number was taken")

    assert issue(by=province_staff).sequence == 2
    assert list(Letter.objects.values_list("sequence", flat=True).order_by("sequence")) == [1, 2]


def test_the_office_changes_the_pattern_for_later_documents(province_staff):
    before = issue(by=province_staff)
    LetterSeries.objects.filter(kind=DocumentKind.AGREEMENT).update(
        pattern="027/{seq:03d}/NPHD-KUBE/{roman_month}/{year}"
    )

    after = issue(by=province_staff)

    assert after.number == "027/002/NPHD-KUBE/VIII/2026"
    before.refresh_from_db()
    assert before.number == "400.9.5/0001/NPHD/DINSOS/2026"


def test_two_kinds_numbered_alike_are_refused_not_duplicated(province_staff):
    LetterSeries.objects.filter(kind=DocumentKind.DECREE).update(
        pattern="400.9.5/{seq:04d}/NPHD/DINSOS/{year}"
    )
    issue(by=province_staff)

    with pytest.raises(DomainError, match=re.escape("400.9.5/0001/NPHD/DINSOS/2026")):
        issue(DocumentKind.DECREE, by=province_staff)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("400.9.5/DINSOS/{year}", "{seq}"),
        ("400.9.5/{seq:04d}/DINSOS", "{year}"),
        ("400.9.5/{seq:04d}/{unit}/{year}", "{roman_month}"),
        ("400.9.5/{seq:04x}/{year", "{roman_month}"),
    ],
)
def test_a_pattern_needs_a_sequence_and_a_year(pattern, message):
    with pytest.raises(ValidationError, match=message.replace("{", r"\{")):
        validate_pattern(pattern)


def test_a_pattern_another_kind_already_uses_is_refused():
    series = LetterSeries.objects.get(kind=DocumentKind.DECREE)
    series.pattern = "400.9.5/{seq:04d}/NPHD/DINSOS/{year}"
    with pytest.raises(ValidationError, match="NPHD"):
        series.full_clean()


def test_a_cancelled_document_keeps_its_number_with_the_reason(province_staff):
    letter = issue(by=province_staff)

    cancel_letter(letter=letter, by=province_staff, reason="Salah nama kelompok")

    letter.refresh_from_db()
    assert letter.status == LetterStatus.CANCELLED
    assert letter.cancel_reason == "Salah nama kelompok"
    assert letter.cancelled_by == province_staff and letter.cancelled_at
    assert letter.number == "400.9.5/0001/NPHD/DINSOS/2026"
    assert issue(by=province_staff).sequence == 2  # never reused


def test_cancelling_needs_a_reason(province_staff):
    letter = issue(by=province_staff)
    with pytest.raises(DomainError):
        cancel_letter(letter=letter, by=province_staff, reason="  ")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED


def test_the_database_refuses_a_number_twice(province_staff):
    letter = issue(by=province_staff)
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            kind=letter.kind,
            year=letter.year,
            sequence=letter.sequence,
            number="lain",
            issued_on=DAY,
            subject="X",
            issued_by=province_staff,
        )


def test_without_its_pattern_row_a_kind_uses_the_default(province_staff):
    LetterSeries.objects.all().delete()
    assert issue(DocumentKind.HANDOVER, by=province_staff).number == (
        "400.9.5/0001/BAST/DINSOS/2026"
    )
