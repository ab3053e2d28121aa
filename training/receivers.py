"""How training answers the signals of the apps below it (connected in TrainingConfig.ready)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from core.pages import PageLink, PageSection
from core.rules import refuse
from grants.signals import transfer_check
from groups.signals import group_page
from training import rules
from training.selectors import group_timeline


@receiver(group_page, dispatch_uid="training.group_page")
def group_page_parts(*, group, user, **kwargs):
    """The "log a visit" button and the group's timeline."""
    parts = []
    if rules.visit_log(group=group, user=user):
        parts.append(PageLink(_("Log a visit"), reverse("training:visit_create", args=[group.pk])))
    parts.append(
        PageSection(
            "training/includes/group_timeline.html", {"timeline": group_timeline(group=group)}
        )
    )
    return parts


@receiver(transfer_check, dispatch_uid="training.transfer_check")
def trained_before_transfer(*, grant, transferred_on, **kwargs):
    """A programme may want a member of the group trained before the money is sent."""
    if grant.program.transfer_needs_training and not rules.group_attended_training(
        group_id=grant.group_id, by_date=transferred_on
    ):
        return refuse(
            _(
                "The transfer cannot be recorded: at least one member of the group must have "
                "attended a training (on or before the transfer date)."
            )
        )
    return None
