import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import TABLE_ATTRS, wide_only


class LetterTable(tables.Table):
    """The register, newest year first, then by kind and number (the order it is kept in)."""

    number = tables.TemplateColumn(
        template_name="letters/includes/number_cell.html",
        verbose_name=_("Number"),
        order_by=("number",),
    )
    issued_on = tables.DateColumn(verbose_name=_("Date"), short=False, order_by=("issued_on", "pk"))
    kind = tables.Column(verbose_name=_("Kind of document"), order_by=("kind", "-sequence"))
    subject = tables.Column(verbose_name=_("Subject of the letter"), orderable=False)
    regency = tables.Column(
        verbose_name=_("Regency/city"),
        order_by=("regency_id", "-issued_on"),
        default="—",
        attrs=wide_only("lg"),
    )
    signed_by = tables.Column(
        verbose_name=_("Signed by"), orderable=False, default="—", attrs=wide_only("lg")
    )

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "register"}
        empty_text = _("No document has been issued yet.")
