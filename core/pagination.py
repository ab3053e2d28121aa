"""Pages of long lists whose cost does not grow with the table.

A plain Paginator counts every matching row (COUNT(*) over 1,000,000 members on each
admin page) and lets a page ask the database to skip any number of rows (OFFSET 99,975
reads and throws away 99,975 rows). This one counts at most MAX_PAGES pages of rows
exactly (a COUNT over a LIMIT subquery of primary keys), takes the planner's estimate
beyond that (PostgreSQL; an exact count elsewhere), and offers at most MAX_PAGES pages:
whoever needs the rows past them filters or searches (both use indexes), or downloads the
list, which streams every row. A page number past the last is shown as the last page
(django-tables2's silent pagination), as before.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django_tables2.data import TableQuerysetData
from django_tables2.utils import OrderBy

MAX_PAGES = 100


def _queryset(object_list) -> QuerySet | None:
    """The queryset under a list: itself, or django-tables2's rows of one."""
    if isinstance(object_list, QuerySet):
        return object_list
    data = getattr(getattr(object_list, "data", None), "data", None)  # BoundRows → TableData
    return data if isinstance(data, QuerySet) else None


def estimated_count(queryset: QuerySet) -> int:
    """The planner's estimate of the rows `queryset` matches (PostgreSQL), or the count."""
    keys = queryset.order_by().values("pk")
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return keys.count()
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class CappedPaginator(Paginator):
    max_pages = MAX_PAGES

    @cached_property
    def count(self) -> int:
        known = getattr(getattr(self.object_list, "data", None), "known_count", None)
        if known is not None:  # counted already by the page (the overdue list)
            return known
        queryset = _queryset(self.object_list)
        if queryset is None:
            return super().count
        limit = self.per_page * self.max_pages
        counted = queryset.order_by().values("pk")[: limit + 1].count()
        if counted <= limit:
            return counted
        return max(estimated_count(queryset), counted)

    @property
    def exact(self) -> bool:
        """Whether `count` is exact (else the planner's estimate, more than a cap)."""
        return self.count <= self.per_page * self.max_pages

    @cached_property
    def num_pages(self) -> int:
        return min(Paginator.num_pages.func(self), self.max_pages)


PAGINATE = {"paginator_class": CappedPaginator}


class KeysFirst(TableQuerysetData):
    """A table's queryset whose page is chosen by its keys alone, the `annotations` (per-row
    subqueries, such as a count of related rows) computed for that page's rows only:

        SELECT ..., (subquery) FROM t WHERE id IN (SELECT id FROM t ... ORDER BY ...
        LIMIT 25 OFFSET 2475) ORDER BY ...

    A plain annotated queryset computes them for every row the OFFSET skips as well (page
    100 of the group list counted the members of 2,500 groups to show 25). One query per
    page, as before. Sorting by an annotation computes it for every row (no index can
    serve such an order); every other sort does not."""

    def __init__(self, data, **annotations):
        super().__init__(data)
        self.annotations = annotations

    def order_by(self, aliases):
        wanted = {
            accessor.bare
            for alias in aliases
            for accessor in self.table.columns[OrderBy(alias).bare].order_by
        }
        used = {name: value for name, value in self.annotations.items() if name in wanted}
        if used:
            self.data = self.data.annotate(**used)
        super().order_by(aliases)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self._annotated(self.data)[key]
        return self._annotated(self.data.filter(pk__in=self.data.values("pk")[key]))

    def __iter__(self):
        return iter(self.queryset())

    def queryset(self):
        """Every row, ordered, with the annotations (an export reads this)."""
        return self._annotated(self.data)

    def _annotated(self, queryset):
        present = queryset.query.annotations
        return queryset.annotate(
            **{name: value for name, value in self.annotations.items() if name not in present}
        )
