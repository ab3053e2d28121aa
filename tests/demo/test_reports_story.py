from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from reports.models import ProgressReport, ReportStatus
from reports.selectors import overdue_rows


@pytest.mark.django_db
def test_seed_demo_writes_reports_in_every_status_some_late_some_missing(kaltim):
    call_command("seed_demo", stdout=StringIO())
    reports = ProgressReport.objects.all()
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    late = [r for r in reports.exclude(submitted_at=None) if r.submitted_at.date() > r.period.due]
    assert late, "some reports were submitted after their due date"
    today = timezone.localdate()
    staff_rows = overdue_rows(user=User.objects.get(username="staf.provinsi"), today=today)
    berau_rows = overdue_rows(user=User.objects.get(username="petugas.berau"), today=today)
    assert staff_rows and berau_rows
    assert len({row.regency_code for row in staff_rows}) > 1
    assert {row.regency_code for row in berau_rows} == {"64.03"}
    head = User.objects.get(username="kepala.paser")
    assert reports.filter(reviewed_by=head).exists()
    assert not reports.filter(reviewed_by=head).exclude(group__regency_id="64.01").exists()
    count = reports.count()
    call_command("seed_demo", stdout=StringIO())
    assert ProgressReport.objects.count() == count
