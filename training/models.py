"""Training sessions before the money (pelatihan, bimbingan teknis) with the attendance of the
invited groups' members, and mentoring visits after it (pendampingan) with photo evidence."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredUpload, TimeStampedModel
from core.scoping import RegionScopedQuerySet


class TrainingSessionQuerySet(RegionScopedQuerySet):
    """A regency's sessions belong to that regency. Province-wide sessions (no regency) are
    seen by every regency as well; on them a regency user sees only their own groups."""

    regency_path = "regency"

    def visible_to(self, user):
        regency_only = user.is_authenticated and not user.has_province_scope
        if regency_only and user.is_active and user.has_regency_scope:
            return self.filter(Q(regency_id=user.regency_id) | Q(regency__isnull=True))
        return super().visible_to(user)


class TrainingSession(TimeStampedModel):
    program = models.ForeignKey(
        "grants.Program",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    regency = models.ForeignKey(
        "regions.Regency",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a province-wide session."),
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=300)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(
        _("venue"), max_length=200, help_text=_("For example: Gedung Perempuan Berjaya, Paser.")
    )
    facilitator = models.CharField(_("facilitator"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    invited_groups = models.ManyToManyField(
        "groups.BusinessGroup",
        verbose_name=_("invited groups"),
        through="TrainingInvitation",
        related_name="training_sessions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = TrainingSessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["regency", "start_date"], name="training_regency_start"),
            models.Index(fields=["start_date"], name="training_start"),
            models.Index(fields=["program", "start_date"], name="training_program_start"),
        ]
        constraints = [
            models.CheckConstraint(
                name="training_ends_after_start",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.program_id and self.start_date:
            year = self.program.fiscal_year
            earliest, latest = datetime.date(year - 1, 1, 1), datetime.date(year + 1, 12, 31)
            for name in ("start_date", "end_date"):
                day = getattr(self, name)
                if day and not earliest <= day <= latest:
                    raise ValidationError(
                        {
                            name: _(
                                "A training of a %(year)d programme is held between "
                                "%(earliest)s and %(latest)s."
                            )
                            % {
                                "year": year,
                                "earliest": formats.date_format(earliest),
                                "latest": formats.date_format(latest),
                            }
                        }
                    )

    def get_absolute_url(self):
        return reverse("training:session_detail", args=[self.pk])

    @property
    def is_province_wide(self) -> bool:
        return self.regency_id is None


class TrainingInvitationQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"


class TrainingInvitation(TimeStampedModel):
    """A group invited to a session: its active members are on the attendance sheet."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    group = models.ForeignKey(
        "groups.BusinessGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="training_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = TrainingInvitationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["session_id", "group_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "group"],
                name="training_invitation_unique",
                violation_error_message=_("The group is already invited to this session."),
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.group.name}"


class AttendanceQuerySet(RegionScopedQuerySet):
    regency_path = "member__group__regency"


class Attendance(TimeStampedModel):
    """Whether one member of an invited group attended the session (present or absent)."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    member = models.ForeignKey(
        "groups.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session_id", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="attendance_one_per_member",
                violation_error_message=_("The member's attendance is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.member.full_name}: {_('present') if self.present else _('absent')}"


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Field visit")
    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Meeting")


# The next check of a group is planned within a year of the visit.
FOLLOW_UP_WITHIN = datetime.timedelta(days=366)


class MentoringVisitQuerySet(RegionScopedQuerySet):
    regency_path = "group__regency"


class MentoringVisit(TimeStampedModel):
    """A regency officer's mentoring contact with a group (pendampingan), with what they found,
    what they advised, and when they will follow up."""

    group = models.ForeignKey(
        "groups.BusinessGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="mentoring_visits",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    findings = models.TextField(_("findings"))
    advice = models.TextField(_("advice"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)

    objects = MentoringVisitQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("mentoring visit")
        verbose_name_plural = _("mentoring visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            models.Index(fields=["group", "visited_on"], name="visit_group_date"),
            models.Index(fields=["visited_on"], name="visit_date"),
            models.Index(fields=["follow_up_due"], name="visit_follow_up_due"),
        ]
        constraints = [
            models.CheckConstraint(
                name="visit_follow_up_after_visit",
                condition=Q(follow_up_due__isnull=True) | Q(follow_up_due__gte=F("visited_on")),
                violation_error_message=_("The follow-up cannot be due before the visit."),
            ),
            models.CheckConstraint(name="visit_kind_valid", condition=Q(kind__in=VisitKind.values)),
        ]

    def __str__(self):
        return f"{self.group.name} · {self.visited_on:%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.visited_on is None:
            return
        if self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})
        if self.group_id and self.visited_on < self.group.date_formed:
            raise ValidationError(
                {
                    "visited_on": _(
                        "The visit date cannot be before the group was formed (%(date)s)."
                    )
                    % {"date": formats.date_format(self.group.date_formed)}
                }
            )
        if self.follow_up_due and self.follow_up_due < self.visited_on:
            raise ValidationError(
                {"follow_up_due": _("The follow-up cannot be due before the visit.")}
            )
        if self.follow_up_due and self.follow_up_due > self.visited_on + FOLLOW_UP_WITHIN:
            raise ValidationError(
                {"follow_up_due": _("The follow-up is due within a year of the visit.")}
            )

    def get_absolute_url(self):
        return reverse("training:visit_detail", args=[self.pk])


def visit_photo_upload_to(photo, filename):
    return f"visit-photos/{photo.visit_id}/{photo.stored_name}"


class VisitPhotoQuerySet(RegionScopedQuerySet):
    regency_path = "visit__group__regency"


class VisitPhoto(StoredUpload):
    """Photo evidence of a visit: the same upload rules as group documents (JPEG, PNG or PDF,
    checked by content, at most the size limit), served only through a scoped view."""

    visit = models.ForeignKey(
        MentoringVisit,
        verbose_name=_("mentoring visit"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    file = models.FileField(_("file"), upload_to=visit_photo_upload_to, max_length=200)

    objects = VisitPhotoQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit_id", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
