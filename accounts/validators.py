"""The NIP (Nomor Induk Pegawai) of a civil servant: 18 digits `YYYYMMDD YYYYMM S NNN`, the
birth date, the year and month of appointment, the sex (1 man, 2 woman) and a serial."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_nip(value: str) -> str:
    """The digits of a NIP typed with spaces, dots or dashes between its parts."""
    return _SEPARATORS.sub("", value or "")


def format_nip(nip: str) -> str:
    """`19800101 200503 1 001`, as documents print a NIP."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def nip_errors(value: str, *, today: datetime.date | None = None) -> list[str]:
    """What is wrong with the NIP's structure, as sentences (empty: nothing)."""
    nip = normalize_nip(value)
    if not re.fullmatch(r"[0-9]{18}", nip):
        return [
            _(
                "A NIP has 18 digits: birth date (YYYYMMDD), appointment year and month "
                "(YYYYMM), sex (1 or 2) and a serial of three digits."
            )
        ]
    today = today or timezone.localdate()
    errors = []
    try:
        born = datetime.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        born = None
        errors.append(_("The first eight digits of the NIP are not a birth date (YYYYMMDD)."))
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        errors.append(_("Digits 9-14 of the NIP are not an appointment year and month (YYYYMM)."))
    elif (year, month) > (today.year, today.month):
        errors.append(_("The appointment in the NIP (digits 9-14) is in the future."))
    elif born is not None and (year, month) < (born.year + 18, born.month):
        errors.append(_("The appointment in the NIP (digits 9-14) is before the age of 18."))
    if born is not None and born > today:
        errors.append(_("The birth date in the NIP is in the future."))
    if nip[14] not in "12":
        errors.append(_("Digit 15 of the NIP is the sex: 1 (man) or 2 (woman)."))
    if nip[15:] == "000":
        errors.append(_("The serial of the NIP (its last three digits) cannot be 000."))
    return errors


def validate_nip(value: str) -> None:
    errors = nip_errors(value)
    if errors:
        raise ValidationError(errors, code="nip")
