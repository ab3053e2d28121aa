"""Twenty documents issued at the same moment get twenty distinct, consecutive numbers
(PostgreSQL, real threads and transactions)."""

import datetime
import time

import pytest
from django.db import transaction

from letters.models import DocumentKind, Letter
from letters.services import issue_letter
from tests.conftest import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_documents_at_once_get_twenty_consecutive_numbers(postgres, province_staff):
    def issue(index):
        with transaction.atomic():
            letter = issue_letter(
                kind=DocumentKind.AGREEMENT,
                subject=f"NPHD {index}",
                by=province_staff,
                issued_on=datetime.date(2026, 8, 17),
            )
            time.sleep(0.01)  # hold the transaction open while the others wait for the counter
            return letter.number

    numbers = run_concurrently(issue, range(20))

    assert all(isinstance(n, str) for n in numbers), numbers
    assert sorted(numbers) == [f"400.9.5/{n:04d}/NPHD/DINSOS/2026" for n in range(1, 21)]
    assert sorted(Letter.objects.values_list("sequence", flat=True)) == list(range(1, 21))
