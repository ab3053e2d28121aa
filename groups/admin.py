from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import EXPORT_DESCRIPTION
from core.pagination import CappedPaginator
from core.personal_data import mask, personal_data_detail
from core.xlsx import dated_filename, xlsx_response
from groups import rules
from groups.exports import write_groups
from groups.models import (
    MEMBER_DATA_FIELDS,
    BusinessGroup,
    GroupDocument,
    Member,
    RegistrationCounter,
)
from regions.admin_filters import ProvinceRegencyFilter


@admin.action(description=EXPORT_DESCRIPTION, permissions=["view"])
def export_groups(modeladmin, request, queryset):
    """The selected groups and their members in the import layout (re-importable)."""
    groups = BusinessGroup.objects.visible_to(request.user).filter(pk__in=queryset.values("pk"))
    full = bool(rules.may_export_full_identity(request.user))
    response = xlsx_response(
        filename=dated_filename("kelompok-usaha"),
        write=lambda fileobj: write_groups(
            queryset=groups.order_by("pk"), fileobj=fileobj, user=request.user, full_identity=full
        ),
    )
    response.audit_detail = personal_data_detail(full)
    return response


def _composition_error(members):
    """The composition every save of a group requires (groups.rules), as a form error."""
    criteria = rules.verification_criteria()
    problems = rules.composition_problems(members, max_members=criteria.max_members)
    if problems:
        raise forms.ValidationError(problems)


def _nik_conflict(form, *, group, user):
    """A NIK already active in another group, as the form and the import say it
    (`rules.nik_conflict_message`: another regency's group is not named), on the NIK field;
    the field is then left out of the model's own unique check, so the message is this one."""
    nik = form.cleaned_data.get("nik")
    if not nik or not form.cleaned_data.get("active") or group is None:
        return
    taken = (
        Member.objects.active()
        .filter(nik=nik)
        .exclude(group_id=group.pk)
        .exclude(pk=form.instance.pk)
        .select_related("group__regency")
        .first()
    )
    if taken is not None:
        form.add_error("nik", rules.nik_conflict_message(taken, user=user))


class MemberInlineForm(forms.ModelForm):
    user = None  # set by MemberInline.get_formset
    parent = None

    def clean(self):
        cleaned = super().clean()
        _nik_conflict(self, group=self.parent, user=self.user)
        return cleaned


class MemberInlineFormSet(forms.BaseInlineFormSet):
    user = None

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.user, form.parent = self.user, self.instance
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        _composition_error(
            (form.cleaned_data["nik"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and form.cleaned_data.get("active")
        )


class MemberInline(admin.TabularInline):
    model = Member
    form = MemberInlineForm
    formset = MemberInlineFormSet
    extra = 0
    fields = [*MEMBER_DATA_FIELDS, "active"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


def _may_change_group(request, group) -> bool:
    """What the group page offers: `rules.may_edit`; a superuser (who has no role) may
    correct the data of a group in any regency, in the statuses it may be edited in."""
    if request.user.is_superuser:
        return bool(rules.status_allows_edit(group, request.user))
    return bool(rules.may_edit(group, request.user))


@admin.register(BusinessGroup)
class BusinessGroupAdmin(SimpleHistoryAdmin):
    actions = [export_groups]
    list_display = ["registration_number", "name", "regency", "district", "sector", "status"]
    list_filter = ["status", "sector", ("regency", ProvinceRegencyFilter)]
    list_select_related = ["regency", "district"]
    search_fields = ["registration_number", "name", "members__nik"]
    readonly_fields = [
        "registration_number",
        "status",
        "status_reason",
        "status_changed_at",
        "status_changed_by",
        "created_by",
    ]
    autocomplete_fields = ["regency", "district"]
    inlines = [MemberInline]
    show_full_result_count = False
    paginator = CappedPaginator

    def has_add_permission(self, request):
        # A group is registered through the application (services.group_register), which
        # gives its registration number and records who proposed it.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or _may_change_group(request, obj))


class MemberAdminForm(forms.ModelForm):
    user = None  # set by MemberAdmin.get_form

    class Meta:
        model = Member
        fields = ["group", *MEMBER_DATA_FIELDS, "active"]

    def clean(self):
        """The NIK not active in another group, and the group's composition with this
        member as entered (groups.rules)."""
        cleaned = super().clean()
        group = cleaned.get("group")
        _nik_conflict(self, group=group, user=self.user)
        if group is None or any(self.errors):
            return cleaned
        others = group.members.filter(active=True).exclude(pk=self.instance.pk)
        members = list(others.values_list("nik", "role"))
        if cleaned.get("active"):
            members.append((cleaned.get("nik"), cleaned.get("role")))
        _composition_error(members)
        return cleaned


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = ["full_name", "masked_nik", "role", "group", "active"]
    list_filter = ["role", "sex", "active", ("group__regency", ProvinceRegencyFilter)]
    list_select_related = ["group"]
    search_fields = ["nik", "kk_number", "full_name", "group__name"]
    raw_id_fields = ["group"]
    show_full_result_count = False
    paginator = CappedPaginator

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    @admin.display(description="NIK", ordering="nik")
    def masked_nik(self, member):
        return mask(member.nik)


@admin.register(GroupDocument)
class GroupDocumentAdmin(SimpleHistoryAdmin):
    list_display = [
        "group",
        "kind",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "content_type"]
    list_select_related = ["group", "uploaded_by"]
    search_fields = ["group__name", "original_name"]
    raw_id_fields = ["group"]


@admin.register(RegistrationCounter)
class RegistrationCounterAdmin(admin.ModelAdmin):
    list_display = ["regency", "year", "last_number"]
    list_filter = ["year"]
