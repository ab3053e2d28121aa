from functools import partial

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import Action, can
from audit.decorators import stored_file
from core.errors import DomainError
from core.pdf import inline_pdf
from core.scoping import get_visible_or_404
from core.view_helpers import (
    add_errors_to_form,
    paginate,
    require_answer,
    require_role,
    show_errors,
    show_form_errors,
)
from core.xlsx import dated_filename, table_response, xlsx_response
from core.xlsx_stream import table_stream_response
from groups.models import BusinessGroup
from regions.models import Regency
from training import exports, pdf, rules, selectors, services
from training.filters import SessionFilter, VisitFilter
from training.forms import AttendanceForm, InviteForm, PhotoForm, SessionForm, VisitForm
from training.models import VisitPhoto
from training.tables import SessionTable, UnvisitedTable, VisitTable

# Sessions ----------------------------------------------------------------------------


def _session_table(request):
    session_filter = SessionFilter(
        request.GET, queryset=selectors.session_list(user=request.user), user=request.user
    )
    return session_filter, SessionTable(session_filter.qs)


def session_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    session_filter, table = _session_table(request)
    paginate(request, table)
    return render(
        request,
        "training/session_list.html",
        {
            "filter": session_filter,
            "table": table,
            "can_create": can(request.user, Action.TRAINING_MANAGE),
        },
    )


@require_safe
def session_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _session_table(request)
    return table_response(
        request, table, stem="pelatihan", sheet="Pelatihan", columns=exports.SESSION_COLUMNS
    )


def _session(request, pk):
    return get_visible_or_404(selectors.session_for_detail(), request.user, pk=pk)


def session_detail(request, pk):
    session = _session(request, pk)
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    rows = selectors.attendance_sheet(session=session, user=user)
    may_manage = rules.session_manage(session=session, user=user)
    may_record = rules.attendance_record(session=session, user=user)
    recorded = [row for row in rows if row.present is not None]
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "invitations": selectors.session_invitations(session=session, user=user),
            "present_count": sum(1 for row in rows if row.present),
            "recorded_count": len(recorded),
            "may_manage": may_manage,
            "may_record": may_record,
            "attendance_form": AttendanceForm(rows=rows) if may_record else None,
            "history": selectors.session_history(session=session, user=user),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create(request):
    require_role(request.user, Action.TRAINING_MANAGE)
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                session=form.save(commit=False),
                by=request.user,
                invite_eligible=form.cleaned_data.get("invite_eligible", False),
            )
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(request, _("The training session is saved."))
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def session_update(request, pk):
    session = _session(request, pk)
    require_answer(rules.session_manage(session=session, user=request.user))
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_update(session=form.save(commit=False), by=request.user)
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(request, _("The training session is saved."))
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@require_http_methods(["GET", "POST"])
def session_invite(request, pk):
    """Choose the invited groups of one regency: the session's, or for a province-wide
    session the one chosen (?regency=)."""
    session = _session(request, pk)
    user = request.user
    require_answer(rules.session_manage(session=session, user=user))
    regencies = list(Regency.objects.visible_to(user).in_province())
    if session.regency_id:
        regency = session.regency
    else:
        code = request.POST.get("regency") or request.GET.get("regency")
        regency = next((r for r in regencies if r.pk == code), None)
    form = None
    if regency is not None:
        candidates = (
            BusinessGroup.objects.visible_to(user)
            .filter(regency=regency, status__in=rules.INVITABLE_STATUSES)
            .order_by("name")
        )
        invited = session.invitations.filter(group__regency=regency).values_list(
            "group_id", flat=True
        )
        form = InviteForm(
            request.POST or None,
            candidates=candidates,
            initial={"groups": [str(pk) for pk in invited]},
        )
        if request.method == "POST" and form.is_valid():
            try:
                added, removed = services.session_invite(
                    session=session, regency_id=regency.pk, group_ids=form.group_ids(), by=user
                )
            except DomainError as error:
                add_errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Invitations saved: %(added)d added, %(removed)d withdrawn.")
                    % {"added": added, "removed": removed},
                )
                return redirect(session)
    return render(
        request,
        "training/session_invite.html",
        {"session": session, "regency": regency, "regencies": regencies, "form": form},
    )


@require_POST
def attendance_record(request, pk):
    session = _session(request, pk)
    require_answer(rules.session_manage(session=session, user=request.user))
    rows = selectors.attendance_sheet(session=session, user=request.user)
    form = AttendanceForm(request.POST, rows=rows)
    if not form.is_valid():
        messages.error(request, _("The attendance sheet was not recorded:"))
        show_form_errors(request, form)
        return redirect(session)
    try:
        present, absent = services.attendance_record(
            session=session, marks=form.marks(), by=request.user
        )
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            _("The attendance is recorded: %(present)d present, %(absent)d absent.")
            % {"present": present, "absent": absent},
        )
    return redirect(session)


@require_safe
def attendance_pdf(request, pk):
    session = _session(request, pk)
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    rows = selectors.attendance_sheet(session=session, user=request.user)
    return inline_pdf(
        pdf.attendance_list(session, rows),
        f"daftar-hadir-{session.start_date:%Y%m%d}-{session.pk}.pdf",
    )


@require_safe
def attendance_xlsx(request, pk):
    session = _session(request, pk)
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    rows = selectors.attendance_sheet(session=session, user=request.user)
    return table_stream_response(
        filename=f"daftar-hadir-{session.start_date:%Y%m%d}-{session.pk}.xlsx",
        sheet="Daftar Hadir",
        columns=exports.ATTENDANCE_COLUMNS,
        rows=rows,
    )


# Mentoring visits --------------------------------------------------------------------


def _visit_table(request):
    visit_filter = VisitFilter(
        request.GET, queryset=selectors.visit_list(user=request.user), user=request.user
    )
    return visit_filter, VisitTable(visit_filter.qs)


def visit_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    visit_filter, table = _visit_table(request)
    paginate(request, table)
    return render(
        request,
        "training/visit_list.html",
        {
            "filter": visit_filter,
            "table": table,
            "can_log": can(request.user, Action.VISIT_LOG),
        },
    )


@require_safe
def visit_list_export(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _filter, table = _visit_table(request)
    return table_response(
        request,
        table,
        stem="kunjungan-pendampingan",
        sheet="Kunjungan Pendampingan",
        columns=exports.VISIT_COLUMNS,
    )


def _visit(request, pk):
    return get_visible_or_404(selectors.visit_for_detail(), request.user, pk=pk)


def visit_detail(request, pk):
    visit = _visit(request, pk)
    user = request.user
    require_role(user, Action.VIEW_PROGRAMME_DATA)
    can_edit = rules.visit_edit(visit=visit, user=user)
    return render(
        request,
        "training/visit_detail.html",
        {
            "visit": visit,
            "photos": selectors.visit_photos(visit=visit),
            "history": selectors.visit_history(visit=visit),
            "can_edit": can_edit,
            "photo_form": PhotoForm() if can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
def visit_create(request, group_pk):
    group = get_visible_or_404(
        BusinessGroup.objects.select_related("regency"), request.user, pk=group_pk
    )
    require_answer(rules.visit_log(group=group, user=request.user))
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        initial={"visited_on": timezone.localdate(), "kind": "visit"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_log(
                group=group,
                by=request.user,
                visited_on=data["visited_on"],
                kind=data["kind"],
                findings=data["findings"],
                advice=data["advice"],
                follow_up_due=data["follow_up_due"],
                photos=data["photos"],
            )
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(
                request, _("The visit to %(group)s is logged.") % {"group": group.name}
            )
            return redirect(visit)
    return render(request, "training/visit_form.html", {"form": form, "group": group})


@require_http_methods(["GET", "POST"])
def visit_update(request, pk):
    visit = _visit(request, pk)
    require_answer(rules.visit_edit(visit=visit, user=request.user))
    form = VisitForm(request.POST or None, request.FILES or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_update(
                visit=form.save(commit=False), by=request.user, photos=form.cleaned_data["photos"]
            )
        except DomainError as error:
            add_errors_to_form(form, error)
        else:
            messages.success(request, _("The visit is saved."))
            return redirect(visit)
    return render(
        request, "training/visit_form.html", {"form": form, "group": visit.group, "visit": visit}
    )


@require_POST
def visit_photos_add(request, pk):
    visit = _visit(request, pk)
    require_answer(rules.visit_edit(visit=visit, user=request.user))
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(visit)
    try:
        photos = services.visit_photos_add(
            visit=visit, uploads=form.cleaned_data["photos"], by=request.user
        )
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("%(count)d photo(s) uploaded.") % {"count": len(photos)})
    return redirect(visit)


@require_safe
@stored_file(VisitPhoto)
def visit_photo(request, pk):
    """A visit's photo, only through this view (scoped: another regency's is a 404)."""
    photo = get_visible_or_404(VisitPhoto, request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    return FileResponse(
        handle,
        as_attachment=photo.content_type == "application/pdf",
        filename=photo.original_name,
        content_type=photo.content_type,
    )


# Coverage ----------------------------------------------------------------------------


def _coverage(request):
    """(since, today, rows per regency, the chosen regency or None, the unvisited groups)."""
    user = request.user
    today = timezone.localdate()
    since, rows = selectors.coverage(user=user, today=today)
    unvisited = selectors.unvisited_groups(user=user, today=today)
    chosen = next(
        (row.regency for row in rows if row.regency.pk == request.GET.get("regency")), None
    )
    if chosen is not None:
        unvisited = unvisited.filter(regency=chosen)
    return since, today, rows, chosen, unvisited


def coverage(request):
    """Per regency: groups trained and visited in the last four months, and the eligible or
    funded groups with no visit in that time."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    since, today, rows, chosen, unvisited = _coverage(request)
    table = UnvisitedTable(unvisited)
    paginate(request, table, per_page=50)
    return render(
        request,
        "training/coverage.html",
        {
            "since": since,
            "today": today,
            "rows": rows,
            "totals": selectors.coverage_totals(rows),
            "chosen": chosen,
            "table": table,
        },
    )


@require_safe
def coverage_export(request):
    """Two sheets: the coverage per regency (with the total) and the unvisited groups."""
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    _since, _today, rows, _chosen, unvisited = _coverage(request)
    totals = selectors.coverage_totals(rows)
    write = partial(exports.write_coverage, rows=rows, totals=totals, unvisited=unvisited)
    return xlsx_response(filename=dated_filename("cakupan-pendampingan"), write=write)
