"""The navbar: which sections each role sees. Apps add their entries here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action, can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: Action | None = None  # None: every signed-in user


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Waiting for you"), "core:home"),
    NavItem(_("Business groups"), "groups:group_list", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Programmes"), "grants:program_list", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Grants"), "grants:grant_list", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Tranche queue"), "grants:tranche_queue", Action.TRANCHE_DECIDE),
    NavItem(_("Reports"), "reports:overdue", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Report review"), "reports:review_queue", Action.REPORT_REVIEW),
    NavItem(_("Training"), "training:session_list", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Mentoring"), "training:visit_list", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Dashboard"), "reports:dashboard", Action.VIEW_PROGRAMME_DATA),
]


def nav_items_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in NAV_ITEMS
        if item.action is None or can(user, item.action)
    ]
