import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import StatusColumn
from groups.models import BusinessGroup


class GroupTable(tables.Table):
    registration_number = tables.Column(
        linkify=True, verbose_name=_("Reg. no."), attrs={"td": {"class": "text-nowrap"}}
    )
    name = tables.Column(linkify=True)
    regency = tables.Column(order_by=("regency_id", "name"))
    district = tables.Column(order_by=("district_id", "name"))
    sector = tables.Column()
    status = StatusColumn(order_by=("status", "name"))
    member_count = tables.Column(verbose_name=_("Members"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = BusinessGroup
        fields = ["registration_number", "name", "regency", "district", "sector", "status"]
        order_by = ("regency", "name")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No groups match.")
