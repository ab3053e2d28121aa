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
