"""Training rules that other apps ask about."""

import datetime

from training.models import Attendance


def group_attended_training(*, group_id: int, by_date: datetime.date) -> bool:
    """Whether at least one member of the group was present at a training session that had
    started by `by_date` (any programme's session counts)."""
    return Attendance.objects.filter(
        member__group_id=group_id, present=True, session__start_date__lte=by_date
    ).exists()
