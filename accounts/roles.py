"""The one place that says which role may do what.

Every view and service asks `can(user, action)`; nothing else compares role names.
Scope (which regency's objects a user may touch) is a separate question answered by
each model's `visible_to(user)`.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_STAFF = "province_staff", _("Province staff")
    REGENCY_OFFICER = "regency_officer", _("Regency officer")
    APPROVER = "approver", _("Approver")
    REGENCY_HEAD = "regency_head", _("Head of the regency office")


# Roles that see every regency of the province.
PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCE_STAFF, Role.APPROVER})
# Roles that work in one regency (the user's `regency`).
REGENCY_ROLES = frozenset({Role.REGENCY_OFFICER, Role.REGENCY_HEAD})


class Action(StrEnum):
    VIEW_PROGRAMME_DATA = "view_programme_data"
    # Groups and members
    GROUP_PROPOSE = "group_propose"
    GROUP_EDIT = "group_edit"
    GROUP_VERIFY = "group_verify"
    GROUP_DECIDE = "group_decide"
    GROUP_DEACTIVATE = "group_deactivate"
    GROUP_IMPORT = "group_import"
    # A member's full NIK and No. KK (UU PDP 27/2022: masked for everyone else)
    MEMBER_IDENTITY_VIEW = "member_identity_view"
    # Programmes, grants, tranches
    PROGRAM_MANAGE = "program_manage"
    GRANT_AWARD = "grant_award"
    GRANT_TRANSFER = "grant_transfer"
    GRANT_CLOSE = "grant_close"
    TRANCHE_REQUEST = "tranche_request"
    TRANCHE_DECIDE = "tranche_decide"
    TRANCHE_MARK_WITHDRAWN = "tranche_mark_withdrawn"
    # The paper trail: decrees, agreements, handovers, spending, accountability reports
    DECREE_MANAGE = "decree_manage"
    AGREEMENT_ISSUE = "agreement_issue"
    AGREEMENT_SIGN = "agreement_sign"
    HANDOVER_MANAGE = "handover_manage"
    HANDOVER_SIGN = "handover_sign"
    SPENDING_WRITE = "spending_write"
    SPENDING_REVIEW = "spending_review"
    LPJ_SUBMIT = "lpj_submit"
    LPJ_RECEIVE = "lpj_receive"
    # Training, mentoring and reports
    TRAINING_MANAGE = "training_manage"
    VISIT_LOG = "visit_log"
    REPORT_WRITE = "report_write"
    REPORT_REVIEW = "report_review"
    # The access log
    AUDIT_READ = "audit_read"


_P, _R, _A, _H = Role.PROVINCE_STAFF, Role.REGENCY_OFFICER, Role.APPROVER, Role.REGENCY_HEAD

RULES: dict[Action, frozenset[Role]] = {
    Action.VIEW_PROGRAMME_DATA: frozenset({_P, _R, _A, _H}),
    Action.GROUP_PROPOSE: frozenset({_P, _R}),
    Action.GROUP_EDIT: frozenset({_P, _R}),
    Action.GROUP_VERIFY: frozenset({_P}),
    Action.GROUP_DECIDE: frozenset({_P}),
    Action.GROUP_DEACTIVATE: frozenset({_P}),
    Action.GROUP_IMPORT: frozenset({_P}),
    # Those who register and correct members; the approver and the regency head decide on
    # grants and reports and never need a full identity number.
    Action.MEMBER_IDENTITY_VIEW: frozenset({_P, _R}),
    Action.PROGRAM_MANAGE: frozenset({_P}),
    Action.GRANT_AWARD: frozenset({_P}),
    Action.GRANT_TRANSFER: frozenset({_P}),
    Action.GRANT_CLOSE: frozenset({_P}),
    Action.TRANCHE_REQUEST: frozenset({_R}),
    Action.TRANCHE_DECIDE: frozenset({_A}),
    Action.TRANCHE_MARK_WITHDRAWN: frozenset({_R, _P}),
    Action.DECREE_MANAGE: frozenset({_P}),
    Action.AGREEMENT_ISSUE: frozenset({_P}),
    # The group signs in its regency: the regency's officer uploads the signed scan.
    Action.AGREEMENT_SIGN: frozenset({_P, _R}),
    Action.HANDOVER_MANAGE: frozenset({_P}),
    # In-kind aid is handed over at the group's place: the regency's officer may upload it.
    Action.HANDOVER_SIGN: frozenset({_P, _R}),
    Action.SPENDING_WRITE: frozenset({_R}),
    Action.SPENDING_REVIEW: frozenset({_P, _H}),
    Action.LPJ_SUBMIT: frozenset({_R}),
    Action.LPJ_RECEIVE: frozenset({_P}),
    Action.TRAINING_MANAGE: frozenset({_P, _R}),
    Action.VISIT_LOG: frozenset({_R}),
    Action.REPORT_WRITE: frozenset({_R}),
    Action.REPORT_REVIEW: frozenset({_P, _H}),
    Action.AUDIT_READ: frozenset({_P}),
}


def can(user, action: Action) -> bool:
    """Whether the user's role allows the action (scope is checked separately)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in RULES[action]
