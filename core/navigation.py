"""The navbar: which sections each role sees. Apps add their entries here."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action, can


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key of the navigation
class NavItem:
    label: str
    url_name: str
    action: Action | None = None  # None: every signed-in user
    menu: str | None = None  # items of one menu open from one dropdown in the navbar


GRANTS, DOCUMENTS, REPORTS, TRAINING = _("Grants"), _("Documents"), _("Reports"), _("Training")

NAV_ITEMS: list[NavItem] = [
    NavItem(_("Waiting for you"), "core:home"),
    NavItem(_("Business groups"), "groups:group_list", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Programmes"), "grants:program_list", Action.VIEW_PROGRAMME_DATA, GRANTS),
    NavItem(_("Grants"), "grants:grant_list", Action.VIEW_PROGRAMME_DATA, GRANTS),
    # The approver's daily work: a link of its own, not inside the Grants menu.
    NavItem(_("Tranche queue"), "grants:tranche_queue", Action.TRANCHE_DECIDE),
    NavItem(
        _("Recipients' decrees (SK)"), "grants:decree_list", Action.VIEW_PROGRAMME_DATA, DOCUMENTS
    ),
    NavItem(
        _("Agreements (NPHD)"),
        "grants:agreement_list",
        Action.VIEW_PROGRAMME_DATA,
        DOCUMENTS,
    ),
    NavItem(
        _("Handovers (BAST)"),
        "grants:handover_list",
        Action.VIEW_PROGRAMME_DATA,
        DOCUMENTS,
    ),
    NavItem(
        _("Spending per tranche"), "grants:spending_list", Action.VIEW_PROGRAMME_DATA, DOCUMENTS
    ),
    NavItem(
        _("Outgoing-letter register"), "letters:letter_list", Action.VIEW_PROGRAMME_DATA, DOCUMENTS
    ),
    NavItem(_("Overdue reports"), "reports:overdue", Action.VIEW_PROGRAMME_DATA, REPORTS),
    NavItem(_("Report review"), "reports:review_queue", Action.REPORT_REVIEW, REPORTS),
    NavItem(
        _("Accountability reports (LPJ)"), "reports:lpj_list", Action.VIEW_PROGRAMME_DATA, REPORTS
    ),
    NavItem(_("Training sessions"), "training:session_list", Action.VIEW_PROGRAMME_DATA, TRAINING),
    NavItem(_("Mentoring visits"), "training:visit_list", Action.VIEW_PROGRAMME_DATA, TRAINING),
    NavItem(
        _("Training and visit coverage"), "training:coverage", Action.VIEW_PROGRAMME_DATA, TRAINING
    ),
    NavItem(_("Dashboard"), "reports:dashboard", Action.VIEW_PROGRAMME_DATA),
    NavItem(_("Access log"), "audit:entry_list", Action.AUDIT_READ),
]


def nav_items_for(user) -> list[dict]:
    """The navbar's entries for the user, in order: a link {"label", "url", "url_name"},
    or a menu {"label", "children": [links], "url_names"} where a menu holds two or more
    links the user may follow (a menu of one is a link with the menu's label).

    The entries depend only on what the user's role may do, so they are built once per
    set of allowed actions (labels stay lazy: each page translates them)."""
    allowed = frozenset(item.action for item in NAV_ITEMS if item.action and can(user, item.action))
    return _entries(tuple(NAV_ITEMS), allowed, get_script_prefix())


@lru_cache(maxsize=64)
def _entries(items: tuple, allowed: frozenset, _script_prefix: str) -> list[dict]:
    entries, menus = [], {}
    for item in items:
        if item.action is not None and item.action not in allowed:
            continue
        link = {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        if item.menu is None:
            entries.append(link)
        elif item.menu in menus:
            menus[item.menu]["children"].append(link)
        else:
            menus[item.menu] = {"label": item.menu, "children": [link]}
            entries.append(menus[item.menu])
    for index, entry in enumerate(entries):
        children = entry.get("children")
        if children is not None and len(children) == 1:
            entries[index] = {**children[0], "label": entry["label"]}
        elif children is not None:
            entry["url_names"] = [child["url_name"] for child in children]
    return entries
