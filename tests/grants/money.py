"""Small builders for the grants service tests (the page tests use tests/factories.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from grants import services
from grants.models import Program, ProgramQuota
from groups.models import GroupStatus
from tests.factories import group_with_members

RP20JT = 20_000_000


def open_program(**fields) -> Program:
    """An open programme; later tranches are not held back for reports or spending unless
    asked (tranche_needs_report=True, spending_share_percent=100), so tests of other rules
    need neither."""
    fields.setdefault("tranche_needs_report", False)
    fields.setdefault("spending_share_percent", 0)
    program = Program.objects.create(
        name=fields.pop("name", "Bantuan Modal Usaha KUBE 2026"),
        fiscal_year=2026,
        total_budget=fields.pop("total_budget", 175 * RP20JT),
        default_amount=RP20JT,
        status="open",
        **fields,
    )
    ProgramQuota.objects.create(program=program, regency_id="64.01", group_count=35)
    ProgramQuota.objects.create(program=program, regency_id="64.03", group_count=16)
    return program


def eligible_group(regency="64.01", **fields):
    group = group_with_members(5, regency_id=regency, **fields)
    group.status = GroupStatus.ELIGIBLE
    group.save()
    return group


DECREE_DAY = datetime.date(2026, 1, 12)
AGREEMENT_DAY = datetime.date(2026, 1, 19)


def sign_decree(program, by, *, day=DECREE_DAY):
    """A decree naming the programme's awarded grants not yet in one, signed by `by`."""
    decree = services.decree_prepare(program=program, signatory=by, by=by)
    return services.decree_sign(decree=decree, by=by, signed_on=day)


def scan(name="nphd-ditandatangani.pdf"):
    """An uploaded scan of a signed document: a small PDF, as a scanner writes one."""
    return SimpleUploadedFile(name, SCAN_BYTES, content_type="application/pdf")


SCAN_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def sign_agreement(grant, by, *, day=AGREEMENT_DAY):
    """The grant's agreement (NPHD) issued, signed by `by` for the province, and its scan
    uploaded."""
    agreement = services.agreement_issue(grant=grant, signatory=by, by=by, issued_on=day)
    return services.agreement_sign(agreement=agreement, by=by, signed_on=day, scan=scan())


def ready_for_aid(grant, by, *, before=None):
    """The paper trail a grant needs before its aid reaches the group: a signed decree and
    a signed agreement (NPHD) with its scan, both dated before `before` (the day the aid
    goes out) when it is earlier than the usual January dates."""
    decree_day, agreement_day = DECREE_DAY, AGREEMENT_DAY
    if before is not None and before <= agreement_day:
        decree_day = before - datetime.timedelta(days=14)
        agreement_day = before - datetime.timedelta(days=7)
    grant.refresh_from_db()
    if grant.decree_id is None or not grant.decree.is_signed:
        sign_decree(grant.program, by, day=decree_day)
        grant.refresh_from_db()
    if grant.agreement is None:
        sign_agreement(grant, by, day=agreement_day)
        grant = type(grant).objects.get(pk=grant.pk)
    return grant


def record_transfer(*, grant, by, transferred_on, reference):
    """The transfer service, after the paper trail it needs (tests of other rules)."""
    ready_for_aid(grant, by, before=transferred_on)
    return services.grant_record_transfer(
        grant=grant, by=by, transferred_on=transferred_on, reference=reference
    )


def transferred_grant(program, staff, *, regency="64.01", amount=RP20JT):
    grant = services.grant_award(
        program=program, group=eligible_group(regency), by=staff, amount=amount
    )
    return record_transfer(
        grant=grant, by=staff, transferred_on=datetime.date(2026, 3, 2), reference="TRF-001"
    )
