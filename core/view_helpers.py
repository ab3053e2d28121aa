"""What every app's views do the same way: refuse a role with 403, show a refused change
or an invalid form as messages or on the form, and run one state change from a POST."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts.roles import can
from core.errors import DomainError
from core.pagination import PAGINATE
from core.rules import Refusal

# Rows one page of a list shows at most, whatever its query string asks: django-tables2
# takes ?per_page= as it comes (a negative number failed, a huge one read the whole table).
PER_PAGE_AT_MOST = 100


def paginate(request, table, *, per_page=25):
    """Order and page a list's table from the request, with the capped paginator every list
    uses (exact counts up to a hundred pages, the planner's estimate beyond), and a page size
    asked for in the query string kept to 1-PER_PAGE_AT_MOST. A column with a single possible
    value for the user is hidden: the regency, for whoever works in one."""
    if (
        getattr(request.user, "has_regency_scope", False)
        and getattr(table, "hide_own_regency", True)
        and "regency" in table.columns
    ):
        table.columns.hide("regency")
    field = table.prefixed_per_page_field
    if field in request.GET:
        try:
            asked = min(max(int(request.GET[field]), 1), PER_PAGE_AT_MOST)
        except ValueError:
            asked = per_page
        request.GET = request.GET.copy()
        request.GET[field] = str(asked)
    RequestConfig(request, paginate={**PAGINATE, "per_page": per_page}).configure(table)
    return table


def require_role(user, action) -> None:
    """403 unless the user's role may do `action` (scope is checked by get_visible_or_404)."""
    if not can(user, action):
        raise PermissionDenied


def require_answer(answer) -> None:
    """403 when a rule refuses by role or scope; any other refusal (the object's state, four
    eyes) is left to the service, whose message the user reads."""
    if answer.refusal in (Refusal.ROLE, Refusal.SCOPE):
        raise PermissionDenied


def show_errors(request, error) -> None:
    """A DomainError's messages, once each, in order."""
    for message in dict.fromkeys(error.messages):
        messages.error(request, message)


def add_errors_to_form(form, error) -> None:
    """A DomainError's messages as the form's errors, once each, in order: beside the field
    the refusal names (error.field) when the form has it, else for the whole form."""
    field = getattr(error, "field", None)
    for message in dict.fromkeys(error.messages):
        form.add_error(field if field in form.fields else None, message)


def show_form_errors(request, form) -> None:
    """Each error of a short action form as a message that names its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def next_or(request, fallback):
    """Back to the page the form was posted from (its `next` field, on this site), else
    `fallback` (an object with get_absolute_url, a URL or a URL name)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def transition_view(
    *,
    load: Callable,
    rule: Callable,
    service: Callable,
    subject: str,
    done: Callable,
    form_class=None,
    back: Callable | None = None,
):
    """A POST-only view for one state change.

    `load(request, pk)` fetches the object in the user's scope (404 outside it); `rule(obj,
    user)` is the app's predicate: a refusal by role is a 403, a refusal by state is left to
    the service, whose message the user reads. An optional `form_class` validates the POST
    (its cleaned data are passed to the service as keywords). The service is called as
    `service(**{subject: obj}, by=user, **data)`; `done(obj)` is the success message. The
    user goes back to `next`, else `back(obj)`, else the object's page.
    """

    @require_POST
    def view(request, pk):
        obj = load(request, pk)
        require_answer(rule(obj, request.user))
        fallback = back(obj) if back else obj
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                show_form_errors(request, form)
                return next_or(request, fallback)
            data = form.cleaned_data
        try:
            service(**{subject: obj}, by=request.user, **data)
        except DomainError as error:
            show_errors(request, error)
        else:
            messages.success(request, done(obj))
        return next_or(request, fallback)

    return view
