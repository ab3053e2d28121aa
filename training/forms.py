from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET
from grants.models import Program, ProgramStatus
from regions.models import Regency
from training.models import MentoringVisit, TrainingSession


class SessionForm(forms.ModelForm):
    invite_eligible = forms.BooleanField(
        label=_("Invite every eligible group of the regency"),
        required=False,
        help_text=_("You can change the invited groups on the session's page."),
    )

    class Meta:
        model = TrainingSession
        fields = [
            "program",
            "regency",
            "title",
            "topic",
            "start_date",
            "end_date",
            "venue",
            "facilitator",
            "notes",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.order_by("-fiscal_year", "name")
        regencies = Regency.objects.visible_to(user).in_province()
        self.fields["regency"].queryset = regencies
        if user.has_province_scope:
            self.fields["regency"].empty_label = _("Province-wide")
            self.fields["regency"].required = False
        else:
            # A regency officer organises sessions of their own regency only.
            self.fields["regency"].required = True
            self.fields["regency"].empty_label = None
            self.fields["regency"].initial = user.regency_id
        if self.instance.pk:
            del self.fields["invite_eligible"]
        elif not self.initial.get("program"):
            newest_open = self.fields["program"].queryset.filter(status=ProgramStatus.OPEN).first()
            self.fields["program"].initial = newest_open

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The date rule is checked in clean() and by the service.
        pass


class InviteForm(forms.Form):
    """The groups of one regency to be invited; those left unchecked are uninvited."""

    groups = forms.MultipleChoiceField(
        label=_("Groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["groups"].choices = [
            (str(g.pk), f"{g.name} ({g.registration_number})") for g in self.candidates
        ]

    def group_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["groups"]]


class AttendanceForm(forms.Form):
    """The whole sheet in one form: every member shown (`members`) and those checked present
    (`present`). A member not on the sheet is refused by the field's choices and again by the
    service."""

    members = forms.MultipleChoiceField(widget=forms.MultipleHiddenInput)
    present = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(row.member.pk), row.member.full_name) for row in rows]
        self.fields["members"].choices = choices
        self.fields["present"].choices = choices
        if not self.is_bound:
            self.initial = {
                "members": [str(row.member.pk) for row in rows],
                "present": [str(row.member.pk) for row in rows if row.present],
            }

    def clean(self):
        cleaned = super().clean()
        members, present = set(cleaned.get("members", [])), set(cleaned.get("present", []))
        if present - members:
            raise forms.ValidationError(_("A member checked present is not on the sheet."))
        return cleaned

    def marks(self) -> dict[int, bool]:
        present = set(self.cleaned_data["present"])
        return {int(pk): pk in present for pk in self.cleaned_data["members"]}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class VisitForm(forms.ModelForm):
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("JPEG, PNG or PDF, at most 5 MB each. You can add more later."),
    )

    class Meta:
        model = MentoringVisit
        fields = ["visited_on", "kind", "findings", "advice", "follow_up_due"]
        widgets = {
            "visited_on": DATE_WIDGET,
            "follow_up_due": DATE_WIDGET,
            "findings": forms.Textarea(attrs={"rows": 4}),
            "advice": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "findings": _("What you saw: the business, the money, the records, the members."),
            "advice": _("What you advised the group to do."),
            "follow_up_due": _("When you will check again (optional)."),
        }

    def clean(self):
        cleaned = super().clean()
        visited, due = cleaned.get("visited_on"), cleaned.get("follow_up_due")
        if visited and due and due < visited:
            self.add_error("follow_up_due", _("The follow-up cannot be due before the visit."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The date rule is checked in clean() and by the service.
        pass


class PhotoForm(forms.Form):
    photos = MultipleFileField(
        label=_("Photos"), help_text=_("JPEG, PNG or PDF, at most 5 MB each.")
    )
