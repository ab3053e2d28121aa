"""What the groups app asks the apps above it (they connect receivers in their `ready()`).

Questions are answered with a `core.rules.Answer` (None: no opinion); see core/rules.py.
"""

from django.dispatch import Signal

# May `group` move to the regency `regency_id`? (kwargs: group, regency_id)
regency_change_check = Signal()

# The verification criteria that apply now: a `groups.rules.Criteria`, or None.
verification_criteria = Signal()

# Buttons and sections of the group page: a list of `core.pages.PageLink`/`PageSection`
# for the group and the user. (kwargs: group, user)
group_page = Signal()
