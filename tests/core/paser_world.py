"""One Paser world for the tests that walk every route or every form: the query-count world
(one of everything) and, beside it, an object in each state a form is used in (a grant
ready for its transfer, an approved tranche, a draft decree...), all in Kabupaten Paser."""

import datetime

from grants import services as grant_services
from tests.core.test_query_counts import World
from tests.grants.money import (
    AGREEMENT_DAY,
    eligible_group,
    ready_for_aid,
    sign_agreement,
    sign_decree,
    transferred_grant,
)

TODAY = datetime.date(2026, 11, 26)


def paser_world(*, staff, approver, officer, head) -> World:
    world = World(staff, approver, officer, head)
    world.grow(1)
    program = world.program

    def award(**kwargs):
        return grant_services.grant_award(
            program=kwargs.pop("program", program), group=eligible_group(), by=staff, **kwargs
        )

    # in a signed decree: one with its agreement signed (to transfer), one with its
    # agreement issued (to sign), one without an agreement (to issue)
    to_transfer, to_sign, to_issue = award(), award(), award()
    sign_decree(program, staff)
    sign_agreement(to_transfer, staff)
    grant_services.agreement_issue(
        grant=to_sign, signatory=staff, by=staff, issued_on=AGREEMENT_DAY
    )
    # a draft decree, and a grant awarded after it (for the next decree)
    award()
    draft = grant_services.decree_prepare(program=program, signatory=staff, by=staff)
    award()
    # an eligible group without a grant (to award)
    eligible_group()
    # a transferred grant with nothing requested, and one with an approved tranche
    to_request = transferred_grant(program, staff, amount=50_000_000)
    approved = grant_services.tranche_approve(
        tranche=grant_services.tranche_request(
            grant=transferred_grant(program, staff, amount=50_000_000),
            amount=1_000_000,
            purpose="Bahan baku",
            by=officer,
        ),
        by=approver,
    )
    # an in-kind grant ready for its handover record
    in_kind = ready_for_aid(award(program=world.in_kind, amount=1_000_000), staff)
    world.keep(
        to_transfer=to_transfer,
        to_sign=to_sign.agreement,
        to_issue=to_issue,
        draft_decree=draft,
        to_request=to_request,
        approved=approved,
        in_kind=in_kind,
    )
    return world
