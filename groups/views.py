from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Action
from audit.decorators import stored_file
from core.errors import DomainError
from core.pages import page_parts
from core.personal_data import mask
from core.scoping import get_visible_or_404
from core.view_helpers import (
    add_errors_to_form,
    paginate,
    require_answer,
    require_role,
    show_errors,
    show_form_errors,
    transition_view,
)
from groups import rules, selectors, services, signals
from groups.filters import GroupFilter
from groups.forms import DocumentForm, GroupForm, ReasonForm, member_formset
from groups.models import BusinessGroup, GroupDocument, Member
from groups.tables import GroupTable


def group_list(request):
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    group_filter = GroupFilter(
        request.GET, queryset=selectors.group_list(user=request.user), user=request.user
    )
    table = GroupTable(selectors.group_list_rows(group_filter.qs))
    paginate(request, table)
    return render(
        request,
        "groups/group_list.html",
        {
            "filter": group_filter,
            "table": table,
            "searched_nik": _searched_nik(group_filter),
            "can_propose": rules.may_register(request.user),
            "can_import": rules.may_import(request.user),
        },
    )


def _searched_nik(group_filter) -> str:
    """The NIK searched for, masked, when the search is one (the list names no member)."""
    value = group_filter.form.cleaned_data.get("q", "") if group_filter.is_valid() else ""
    digits = (value or "").replace(" ", "")
    return mask(digits) if len(digits) == 16 and digits.isdigit() else ""


def group_detail(request, pk):
    group = get_visible_or_404(
        BusinessGroup.objects.select_related("regency", "district", "village", "status_changed_by"),
        request.user,
        pk=pk,
    )
    require_role(request.user, Action.VIEW_PROGRAMME_DATA)
    members = list(selectors.group_members(group=group))
    for member in members:
        member.warnings = rules.nik_warnings(member, regency_code=group.regency_id)
    user = request.user
    checks = rules.checks_before_verification(group)
    problems = [check.problem for check in checks if not check.met]
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "members": members,
            "may_see_identity": rules.may_see_full_identity(group, user),
            "documents": selectors.group_documents(group=group),
            "history": selectors.group_history(group=group),
            "parts": page_parts(signals.group_page, group=group, user=user),
            "checks": checks,
            "problems": problems,
            # What the user may do now: the predicates the services ask (groups/rules.py).
            "actions": {
                "edit": rules.may_edit(group, user),
                "add_document": rules.may_add_document(group, user),
                "verify": rules.may_verify(group, user, problems=problems),
                "declare_eligible": rules.may_declare_eligible(group, user),
                "reject": rules.may_reject(group, user),
                "deactivate": rules.may_deactivate(group, user),
            },
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
            add_errors_to_form(form, error)
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
    require_answer(rules.may_register(request.user))

    def save(*, group, members, removed):
        return services.group_register(group=group, members=members, by=request.user)

    return _group_form_page(request, group=BusinessGroup(), save=save, template_extra={})


@require_http_methods(["GET", "POST"])
def group_update(request, pk):
    group = get_visible_or_404(BusinessGroup, request.user, pk=pk)
    answer = rules.may_edit(group, request.user)
    require_answer(answer)
    if not answer:  # not in this status: say why on the group's page
        messages.error(request, answer.reason)
        return redirect(group)
    if request.method == "GET":  # the form shows every member's full NIK and No. KK
        services.group_identities_shown(group=group, by=request.user)

    def save(*, group, members, removed):
        return services.group_update(group=group, members=members, removed=removed, by=request.user)

    return _group_form_page(request, group=group, save=save, template_extra={"group": group})


def _load_group(request, pk):
    return get_visible_or_404(BusinessGroup, request.user, pk=pk)


group_verify = transition_view(
    load=_load_group,
    rule=rules.may_verify,
    service=services.group_verify,
    subject="group",
    done=lambda group: _("The group is verified."),
)
group_mark_eligible = transition_view(
    load=_load_group,
    rule=rules.may_declare_eligible,
    service=services.group_mark_eligible,
    subject="group",
    done=lambda group: _("The group is declared eligible."),
)
group_reject = transition_view(
    load=_load_group,
    rule=rules.may_reject,
    service=services.group_reject,
    subject="group",
    form_class=ReasonForm,
    done=lambda group: _("The group is rejected."),
)
group_deactivate = transition_view(
    load=_load_group,
    rule=rules.may_deactivate,
    service=services.group_deactivate,
    subject="group",
    form_class=ReasonForm,
    done=lambda group: _("The group is deactivated."),
)


@require_POST
def document_upload(request, pk):
    group = _load_group(request, pk)
    require_answer(rules.may_add_document(group, request.user))
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(group)
    try:
        services.document_add(
            group=group,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            by=request.user,
        )
    except DomainError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The document is uploaded."))
    return redirect(group)


@stored_file(GroupDocument)
def document_download(request, pk):
    document = get_visible_or_404(GroupDocument, request.user, pk=pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=document.content_type == "application/pdf",
        filename=document.original_name,
        content_type=document.content_type,
    )


@require_POST
def member_identity(request, pk):
    """A member's full NIK and No. KK, after a deliberate "Tampilkan" (POST): province
    staff and the officer of the group's regency only (403 for other roles, 404 outside
    the scope), each time written to the access log before the page is shown."""
    member = get_visible_or_404(
        Member.objects.select_related("group__regency"), request.user, pk=pk
    )
    require_answer(rules.may_see_full_identity(member.group, request.user))
    services.member_identity_shown(member=member, by=request.user)
    return render(request, "groups/member_identity.html", {"member": member, "group": member.group})
