"""What a member's NIK and family card number (No. KK) must be, in one place.

The model fields carry these validators, so the admin, the forms, the services and the
import refuse the same value with the same message; the database checks the same patterns.
A NIK issued in another regency than the group's is only a warning (`rules.nik_warnings`).
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.indonesia import check_nik

NIK_PATTERN = r"^[0-9]{16}$"
KK_PATTERN = r"^[0-9]{16}$"
NIK_MESSAGE = gettext_lazy("The NIK must be 16 digits.")
KK_MESSAGE = gettext_lazy("The family card number (No. KK) must be 16 digits.")

# Spaces, dots and dashes people type between the digits of a NIK or No. KK.
_SEPARATORS = re.compile(r"[\s.\-]")


def without_separators(text: str) -> str:
    return _SEPARATORS.sub("", text or "")


validate_kk_number = RegexValidator(KK_PATTERN, message=KK_MESSAGE, code="kk_number")


def nik_problems(value: str, *, regency_known: Callable[[str], bool]) -> list[str]:
    """Why a NIK (16 digits, no separators) cannot be stored: its structure (length, digits,
    province, birth date with +40 for women, serial) and its regency, which must be one of
    the regions table (`regency_known(code)`). Empty when it is good."""
    check = check_nik(value)
    if not check.valid:
        return check.errors
    if check.nik != value:  # separators: the form and the import take them out first
        return [str(NIK_MESSAGE)]
    if not regency_known(check.regency_code):
        return [
            _("The NIK's regency code %(code)s is not a known regency or city.")
            % {"code": check.regency_code}
        ]
    return []


def _regency_in_table(code: str) -> bool:
    from regions.models import Regency

    return Regency.objects.filter(pk=code).exists()


def validate_nik(value: str) -> None:
    """The NIK field's validator (one query for its regency)."""
    problems = nik_problems(value, regency_known=_regency_in_table)
    if problems:
        raise ValidationError(problems, code="nik")
