"""One name per state and figure (reports/glossary.py): the screens, the workbooks and
docs/glosarium.md name them alike, whatever language the person reading the screen chose."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from groups.models import GroupStatus
from reports.glossary import markdown
from reports.models import BusinessCondition


@pytest.fixture(autouse=True)
def on_26_november_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC), tick=False)


def test_the_glossary_document_is_up_to_date():
    written = (Path(settings.BASE_DIR) / "docs" / "glosarium.md").read_text(encoding="utf-8")
    assert written == markdown(), "run `python manage.py glossary`"


def test_one_name_per_state():
    text = markdown()
    assert "| `verified` | Terverifikasi |" in text
    assert "| `inactive` | Nonaktif |" in text
    assert (
        "Nilai hibah = Sudah dicairkan + Diajukan, belum dicairkan + Sisa yang dapat diajukan"
        in text
    )
    assert "Diverifikasi" not in text and "Tidak Aktif" not in text


def page_headers(content, table_id):
    table = content.split(f'id="{table_id}"')[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", table)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_dashboard_and_its_workbook_name_states_alike(
    client, dashboard_data, province_staff, language
):
    province_staff.language = language
    province_staff.save()
    client.force_login(province_staff)
    content = client.get(reverse("reports:dashboard")).content.decode()
    workbook = client.get(reverse("reports:dashboard_export"))
    book = load_workbook(io.BytesIO(b"".join(workbook.streaming_content)))
    groups = [c.value for c in next(book["Status Kelompok"].iter_rows(max_row=1))]
    conditions = [c.value for c in next(book["Kondisi Usaha"].iter_rows(max_row=1))]
    # the workbook is in Indonesian whatever the screen's language, from the same labels
    with translation.override("id"):
        assert groups[2:7] == [str(label) for label in GroupStatus.labels]
        assert conditions[2:6] == [str(label) for label in BusinessCondition.labels]
    assert groups[2:7] == ["Diusulkan", "Terverifikasi", "Layak", "Ditolak", "Nonaktif"]
    if language == "id":  # the screen shows the same names
        assert page_headers(content, "table-groups")[1:6] == groups[2:7]


@pytest.mark.django_db
def test_the_grant_list_and_its_workbook_name_states_and_figures_alike(
    client, dashboard_data, province_staff
):
    client.force_login(province_staff)
    content = client.get(reverse("grants:grant_list")).content.decode()
    statuses = set(re.findall(r'class="badge status-badge status-\w+">([^<]+)<', content))
    book = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("grants:grant_list_export")).streaming_content))
    )
    rows = list(book["Hibah"].iter_rows(values_only=True))
    column = rows[0].index("Status")
    assert statuses and statuses == {row[column] for row in rows[1:]}
    assert {"Sudah dicairkan (Rp)", "Diajukan, belum dicairkan (Rp)"} <= set(rows[0])
    grant = dashboard_data["g1"]
    page = client.get(grant.get_absolute_url()).content.decode()
    with translation.override("id"):
        labels = [str(label) for label, _value in grant.parts()]
    for label in labels:
        assert f"{label} (Rp)" in rows[0] and label in page
