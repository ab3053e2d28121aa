"""Building what the group paths take: the form's POST data and import workbooks."""

import datetime
import io

from openpyxl import Workbook

from groups import workbook as layout
from tests.factories import synthetic_nik


def group_post_data(**overrides):
    data = {
        "name": "KUBE Lestari",
        "sector": "food",
        "regency": "64.01",
        "district": "64.01.04",
        "village": "64.01.04.1001",  # Tanah Grogot
        "address": "Jl. Kusuma Bangsa",
        "phone": "081234567890",
        "date_formed": "2024-05-02",
        "bank_name": "Bankaltimtara",
        "account_number": "0012345678",
        "account_holder": "KUBE Lestari",
        "members-TOTAL_FORMS": "5",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "30",
    }
    people = [
        ("6401045203880001", "Siti Aminah", "P", "1988-03-12", "ketua"),
        ("6401041105900002", "Ahmad Yani", "L", "1990-05-11", "sekretaris"),
        ("6401046708920003", "Rina Marlina", "P", "1992-08-27", "bendahara"),
        ("6401040101850004", "Budi Hartono", "L", "1985-01-01", "anggota"),
        ("6403041212800005", "Joko Susilo", "L", "1980-12-12", "anggota"),  # NIK from Berau
    ]
    for i, (nik, name, sex, birth, role) in enumerate(people):
        data.update(
            {
                f"members-{i}-nik": nik,
                f"members-{i}-kk_number": "6401041203240001",
                f"members-{i}-full_name": name,
                f"members-{i}-sex": sex,
                f"members-{i}-birth_date": birth,
                f"members-{i}-role": role,
            }
        )
    return {**data, **overrides}


def workbook_bytes(
    groups, members, *, group_columns=None, member_columns=None, epoch=None
) -> bytes:
    """A workbook in the import layout; rows are dicts keyed by groups.workbook column keys."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if epoch:
        workbook.epoch = epoch
    for title, columns, rows in (
        (layout.GROUP_SHEET, group_columns or layout.GROUP_COLUMNS, groups),
        (layout.MEMBER_SHEET, member_columns or layout.MEMBER_COLUMNS, members),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append([row.get(c.key) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def new_group(name="KUBE Maju Jaya", **values):
    return {
        "registration_number": None,
        "name": name,
        "sector": "food",
        "regency": "64.01",
        "district": "64.01.04",
        "village_name": "Tanah Grogot",
        "village_code": "64.01.04.1001",
        "address": "Jl. Mawar No. 1",
        "phone": "081234567890",
        "date_formed": datetime.date(2024, 3, 1),
        "bank_name": "Bankaltimtara",
        "account_number": "0011000099",
        "account_holder": name,
        **values,
    }


def new_members(key, count, *, first_serial=1, district="64.01.04"):
    """`count` valid members of the group with Kunci Kelompok `key`, the first the ketua."""
    rows = []
    for i in range(count):
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=37 * i)
        serial = first_serial + i
        nik = synthetic_nik(district_code=district, birth_date=birth, sex="L", serial=serial)
        rows.append(
            {
                "group_key": key,
                "nik": nik,
                "kk_number": nik[:6] + f"0101{serial:06d}",
                "full_name": f"Anggota {serial}",
                "sex": "L",
                "birth_date": birth,
                "phone": "",
                "role": "ketua" if i == 0 else "anggota",
                "decile": 1 + i % 10,
            }
        )
    return rows
