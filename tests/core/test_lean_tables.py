"""The table written in Python (core/templatetags/lean_tables.py) shows in each cell what
django-tables2 itself would: plain values, a field's choice by its label, render methods
of the value or of the record, links to the object's page or to a computed URL, empty
values, values along a relation; and the header's sort links and the pager."""

import re

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils.html import conditional_escape

from core.tables import MoneyColumn, StatusColumn
from core.templatetags.lean_tables import lean_table
from groups.models import BusinessGroup
from tests.factories import BusinessGroupFactory


class Sample(tables.Table):
    registration_number = tables.Column(linkify=True)
    name = tables.Column(linkify=lambda record: f"/kelompok/{record.pk}/?x=<&>")
    regency = tables.Column()
    regency_name = tables.Column(accessor="regency__name")
    sector = tables.Column()
    status = StatusColumn()
    phone = tables.Column(default="—")
    money = MoneyColumn(accessor="pk", verbose_name="Uang")
    shout = tables.Column(accessor="name", verbose_name="Keras")

    class Meta:
        model = BusinessGroup
        fields = ["registration_number", "name", "regency", "sector", "status", "phone"]
        order_by = ("pk",)

    def render_shout(self, record):
        return record.name.upper()


def cells(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


@pytest.mark.django_db
def test_every_cell_is_what_django_tables2_renders(kaltim):
    BusinessGroupFactory(name="KUBE <Maju> & Jaya", phone="")
    BusinessGroupFactory(name="KUBE Sejahtera", status="verified", sector="jasa")
    request = RequestFactory().get("/kelompok/", {"q": "kube", "sort": "pk"})
    table = Sample(BusinessGroup.objects.select_related("regency").order_by("pk"))
    tables.RequestConfig(request, paginate={"per_page": 1}).configure(table)
    html = lean_table({"request": request}, table)

    # django-tables2's cell, escaped as its template writes it ({{ cell }})
    expected = [
        [str(conditional_escape(row.get_cell(column.name))) for column in table.columns]
        for row in table.paginated_rows
    ]
    assert cells(html) == expected
    (row,) = expected
    first = dict(zip([column.name for column in table.columns], row, strict=True))
    assert "KUBE &lt;Maju&gt; &amp; Jaya" in first["name"] and "?x=&lt;&amp;&gt;" in first["name"]
    assert first["phone"] == "—"  # an empty phone shows the column's default
    assert "status-badge status-proposed" in first["status"]
    assert first["shout"] == "KUBE &lt;MAJU&gt; &amp; JAYA"
    assert first["regency_name"] == "Kabupaten Paser"
    # the sort links keep the query, and the pager points at page 2
    assert 'href="?q=kube&amp;sort=-pk"' not in html  # pk is not a column here
    assert 'href="?q=kube&amp;sort=name"' in html
    assert 'href="?q=kube&amp;sort=pk&amp;page=2"' in html
    assert '<th class="sort-caption d-md-none" scope="col">' in html


def test_rows_that_are_dicts_are_read_by_key():
    class Plain(tables.Table):
        name = tables.Column()
        count = tables.Column(default="—")

    request = RequestFactory().get("/")
    table = Plain([{"name": "KUBE <A>", "count": 3}, {"name": "KUBE B", "count": None}])
    tables.RequestConfig(request, paginate=False).configure(table)
    assert cells(lean_table({"request": request}, table)) == [
        ["KUBE &lt;A&gt;", "3"],
        ["KUBE B", "—"],
    ]
