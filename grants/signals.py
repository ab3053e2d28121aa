"""What the grants app tells and asks the apps above it (they connect receivers in their
`ready()`); see core/rules.py.

Events are sent inside the transaction that made the change, after it is written, so that
what a receiver keeps (the dashboard's summaries) commits or rolls back with it.
"""

from django.dispatch import Signal

# A change to what the dashboard counts of one programme in one regency
# (kwargs: program_id, regency_id, group_id, change): change is "awarded", "tranche" (a
# tranche was requested, decided, cancelled or withdrawn), "spending" (a tranche's spending
# was accepted), "transferred" (or in-kind aid handed over), "completed" or "cancelled";
# group_id is the grant's group (None after an award in bulk).
grants_changed = Signal()

# A programme's fields changed (kwargs: program, changed: set of field names).
program_changed = Signal()

# Questions answered with a core.rules.Answer (None: no opinion):
# may the transfer of `grant` be recorded on `transferred_on`? (kwargs: grant, transferred_on)
transfer_check = Signal()
# may a tranche after the first be requested for `grant`? (kwargs: grant)
later_tranche_check = Signal()
