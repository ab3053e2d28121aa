from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import Action
from core.view_helpers import paginate, require_role
from core.xlsx import table_response
from letters import exports, selectors
from letters.filters import LetterFilter
from letters.tables import LetterTable


def _letter_table(request):
    letter_filter = LetterFilter(
        request.GET, queryset=selectors.letter_list(user=request.user), user=request.user
    )
    exclude = () if request.user.has_province_scope else ("regency",)
    return letter_filter, LetterTable(letter_filter.qs, exclude=exclude)


@require_safe
def letter_list(request):
    """The outgoing-letter register: every numbered document the user may see."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    letter_filter, table = _letter_table(request)
    paginate(request, table, per_page=50)
    return render(request, "letters/letter_list.html", {"filter": letter_filter, "table": table})


@require_safe
def letter_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _letter_table(request)
    return table_response(
        request,
        table,
        stem="agenda-surat-keluar",
        sheet="Agenda Surat Keluar",
        columns=exports.LETTER_COLUMNS,
    )
