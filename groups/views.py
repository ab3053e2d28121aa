from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from accounts.roles import Action, can
from core.errors import DomainError
from core.pages import page_parts
from core.pagination import PAGINATE
from core.scoping import get_visible_or_404
from core.view_helpers import require_role, show_form_errors
from groups import rules, selectors, services, signals
from groups.filters import GroupFilter
from groups.forms import DocumentForm, GroupForm, ReasonForm, member_formset
from groups.models import BusinessGroup, GroupDocument, GroupStatus
from groups.tables import GroupTable


def group_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    group_filter = GroupFilter(
        request.GET, queryset=selectors.group_list(user=request.user), user=request.user
    )
    table = GroupTable(group_filter.qs)
    RequestConfig(request, paginate={**PAGINATE, "per_page": 25}).configure(table)
    return render(
        request,
        "groups/group_list.html",
        {
            "filter": group_filter,
            "table": table,
            "can_propose": can(request.user, Action.GROUP_PROPOSE),
            "can_import": can(request.user, Action.GROUP_IMPORT),
        },
    )


def group_detail(request, pk):
    group = get_visible_or_404(
        BusinessGroup.objects.select_related("regency", "district", "status_changed_by"),
        request.user,
        pk=pk,
    )
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    members = list(selectors.group_members(group=group))
    for member in members:
        member.warnings = rules.nik_warnings(member, regency_code=group.regency_id)
    user = request.user
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "members": members,
            "documents": selectors.group_documents(group=group),
            "history": selectors.group_history(group=group),
            "parts": page_parts(signals.group_page, group=group, user=user),
            "problems": rules.verification_problems(group)
            if group.status == GroupStatus.PROPOSED
            else [],
            "can_edit": services.group_is_editable_by(group, user),
            "can_verify": can(user, Action.GROUP_VERIFY) and group.status == GroupStatus.PROPOSED,
            "can_decide": can(user, Action.GROUP_DECIDE),
            "can_deactivate": can(user, Action.GROUP_DEACTIVATE)
            and group.status == GroupStatus.ELIGIBLE,
            "reason_form": ReasonForm(),
            "document_form": DocumentForm(),
        },
    )


def _group_form_page(request, *, group, save, template_extra):
    MemberFormSet = member_formset(extra=5 if group.pk is None else 2)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    formset = MemberFormSet(
        request.POST or None,
        instance=group,
        queryset=selectors.group_members(group=group) if group.pk else None,
        prefix="members",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = save(
                group=form.save(commit=False),
                members=formset.members_to_save(),
                removed=formset.members_to_remove(),
            )
        except DomainError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The group %(name)s is saved.") % {"name": saved.name})
            for member in saved.members.filter(active=True):
                for warning in rules.nik_warnings(member, regency_code=saved.regency_id):
                    messages.warning(request, f"{member.full_name}: {warning}")
            return redirect(saved)
    return render(
        request, "groups/group_form.html", {"form": form, "formset": formset, **template_extra}
    )


@require_http_methods(["GET", "POST"])
def group_create(request):
    require_role(request.user, Action.GROUP_PROPOSE)

    def save(*, group, members, removed):
        return services.group_register(group=group, members=members, by=request.user)

    return _group_form_page(request, group=BusinessGroup(), save=save, template_extra={})


@require_http_methods(["GET", "POST"])
def group_update(request, pk):
    group = get_visible_or_404(BusinessGroup, request.user, pk=pk)
    if not services.group_is_editable_by(group, request.user):
        raise PermissionDenied

    def save(*, group, members, removed):
        return services.group_update(group=group, members=members, removed=removed, by=request.user)

    return _group_form_page(request, group=group, save=save, template_extra={"group": group})


def _transition_view(service, action, *, needs_reason=False, done):
    @require_POST
    def view(request, pk):
        group = get_visible_or_404(BusinessGroup, request.user, pk=pk)
        require_role(request.user, action)
        kwargs = {}
        if needs_reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("A reason is required."))
                return redirect(group)
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            service(group=group, by=request.user, **kwargs)
        except DomainError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return redirect(group)

    return view


group_verify = _transition_view(
    services.group_verify, Action.GROUP_VERIFY, done=gettext_lazy("The group is verified.")
)
group_mark_eligible = _transition_view(
    services.group_mark_eligible,
    Action.GROUP_DECIDE,
    done=gettext_lazy("The group is declared eligible."),
)
group_reject = _transition_view(
    services.group_reject,
    Action.GROUP_DECIDE,
    needs_reason=True,
    done=gettext_lazy("The group is rejected."),
)
group_deactivate = _transition_view(
    services.group_deactivate,
    Action.GROUP_DEACTIVATE,
    needs_reason=True,
    done=gettext_lazy("The group is deactivated."),
)


@require_POST
def document_upload(request, pk):
    group = get_visible_or_404(BusinessGroup, request.user, pk=pk)
    require_role(request.user, Action.GROUP_EDIT)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(group)
    try:
        with transaction.atomic():
            services.document_add(
                group=group,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The document is uploaded."))
    return redirect(group)


def document_download(request, pk):
    document = get_visible_or_404(GroupDocument, request.user, pk=pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=document.content_type == "application/pdf",
        filename=document.original_name,
        content_type=document.content_type,
    )
