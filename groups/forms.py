from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from groups import rules
from groups.models import (
    GROUP_DATA_FIELDS,
    MEMBER_DATA_FIELDS,
    BusinessGroup,
    DocumentKind,
    Member,
)
from groups.validators import without_separators
from regions.models import District, Regency, Village


class NarrowedSelect(forms.Select):
    """A select of regions whose options name their parent region (`data-parent`), so that
    static/js/region-choices.js offers only those of the parent chosen in the select
    `parent` (the server checks the choice again: the model's clean())."""

    def __init__(self, *, parent: str, parent_of, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-parent-field": f"id_{parent}"})
        self.parent_of = parent_of

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-parent"] = self.parent_of(instance)
        return option


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, district):
        return f"{district.name} — {district.regency.name}"


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village):
        return f"{village.name} — {village.district.name}"


class GroupForm(forms.ModelForm):
    """A group's data; the district and village are chosen among those of the regencies the
    user works in (a regency officer gets their own regency's only)."""

    district = DistrictChoiceField(
        queryset=District.objects.none(),
        label=capfirst(_("district (kecamatan)")),
        widget=NarrowedSelect(parent="regency", parent_of=lambda d: d.regency_id),
    )
    village = VillageChoiceField(
        queryset=Village.objects.none(),
        label=capfirst(_("village (desa/kelurahan)")),
        widget=NarrowedSelect(parent="district", parent_of=lambda v: v.district_id),
    )

    class Meta:
        model = BusinessGroup
        fields = GROUP_DATA_FIELDS
        widgets = {"date_formed": DATE_WIDGET, "address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regencies = Regency.objects.visible_to(user).in_province()
        self.fields["regency"].queryset = regencies
        self.fields["district"].queryset = (
            District.objects.filter(regency__in=regencies)
            .select_related("regency")
            .order_by("regency_id", "name")
        )
        self.fields["village"].queryset = (
            Village.objects.filter(district__regency__in=regencies)
            .select_related("district")
            .order_by("district_id", "name")
        )
        if user.is_regency_officer:
            self.fields["regency"].initial = user.regency_id


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_DATA_FIELDS
        widgets = {
            "birth_date": DATE_WIDGET,
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "kk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    # The model's validators check both numbers (in _post_clean), as for every other path.
    def clean_nik(self):
        return without_separators(self.cleaned_data["nik"])

    def clean_kk_number(self):
        return without_separators(self.cleaned_data["kk_number"])

    def validate_constraints(self, exclude=None):
        # The one-active-membership and one-ketua rules are checked across the whole sheet
        # by the formset and against other groups by the service, which names the group.
        pass


class BaseMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The composition every save of a group requires (groups.rules), over the rows that
        will be its members; the service checks it again against the saved members."""
        super().clean()
        if any(self.errors):
            return
        kept = [
            (form.cleaned_data["nik"], form.cleaned_data["role"]) for form in self._kept_forms()
        ]
        criteria = rules.verification_criteria()
        problems = rules.composition_problems(kept, max_members=criteria.max_members)
        if problems:
            raise forms.ValidationError(problems)

    def _kept_forms(self):
        """Rows that will be members after saving: existing or filled in, not deleted."""
        return [
            form
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
        ]

    def members_to_save(self):
        return [
            f.instance
            for f in self.forms
            if f.has_changed() and not self._should_delete_form(f) and f.cleaned_data
        ]

    def members_to_remove(self):
        return [f.instance for f in self.deleted_forms if f.instance.pk]


def member_formset(*, extra):
    return forms.inlineformset_factory(
        BusinessGroup,
        Member,
        form=MemberForm,
        formset=BaseMemberFormSet,
        extra=extra,
        can_delete=True,
        max_num=30,
        validate_max=True,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
