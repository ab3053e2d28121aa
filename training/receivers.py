"""How training answers the signals of the apps below it (connected in TrainingConfig.ready)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Action, can
from core.pages import PageLink, PageSection
from groups.signals import group_page
from training.selectors import group_timeline


@receiver(group_page, dispatch_uid="training.group_page")
def group_page_parts(*, group, user, **kwargs):
    """The "log a visit" button and the group's timeline."""
    parts = []
    if can(user, Action.VISIT_LOG):
        parts.append(PageLink(_("Log a visit"), reverse("training:visit_create", args=[group.pk])))
    parts.append(
        PageSection(
            "training/includes/group_timeline.html", {"timeline": group_timeline(group=group)}
        )
    )
    return parts
