"""Two people saving the same attendance sheet at once, on PostgreSQL with real threads:
the session row lock makes one sheet wait for the other, so the second corrects the first
instead of colliding with it on the one-row-per-member rule."""

import pytest

from tests.conftest import run_concurrently
from tests.factories import ProgramFactory, TrainingSessionFactory, group_with_members
from training import services
from training.models import Attendance

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 10
THREADS = 6


def test_concurrent_sheets_never_collide(postgres, province_staff, paser_officer, kaltim):
    program = ProgramFactory()
    for _ in range(ROUNDS):
        groups = [group_with_members(5, status="eligible") for _ in range(4)]
        session = TrainingSessionFactory(program=program, groups=groups)
        members = [m.pk for g in groups for m in g.members.all()]

        def save(i, session=session, members=members):
            # Each person checks a different half present.
            marks = {pk: (n + i) % 2 == 0 for n, pk in enumerate(members)}
            by = province_staff if i % 2 else paser_officer
            return services.attendance_record(session=session, marks=marks, by=by)

        results = run_concurrently(save, range(THREADS))
        unexpected = [r for r in results if isinstance(r, BaseException)]
        assert unexpected == [], unexpected
        rows = Attendance.objects.filter(session=session)
        assert rows.count() == len(members)  # one row per member, whoever saved last
        assert len({tuple(sorted(rows.values_list("member_id", "present")))}) == 1
