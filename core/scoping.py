"""Regional scope: which objects a user may see.

Each scoped model's queryset has one `visible_to(user)`; views fetch single objects with
`get_visible_or_404`, so an object outside the user's scope answers 404, never 403.
"""

from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.roles import can
from core.rules import ALLOWED, Answer, Refusal, ensure, forbid


class RegionScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to one regency, reached through `regency_path`."""

    regency_path = "regency"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_province_scope:
            return self.all()
        if user.has_regency_scope:
            return self.filter(**{f"{self.regency_path}_id": user.regency_id})
        return self.none()


def get_visible_or_404(queryset_or_model, user, **lookup):
    """The object matching `lookup` if the user may see it; Http404 otherwise."""
    queryset = getattr(queryset_or_model, "_default_manager", queryset_or_model)
    return get_object_or_404(queryset.visible_to(user), **lookup)


def role_and_scope(user, action, *, regency_id=None) -> Answer:
    """Whether the user's role allows the action and, when a regency is given, the user
    works in it or province-wide: the first question of every rule."""
    if not can(user, action):
        return forbid(_("Your role does not allow this."), Refusal.ROLE)
    if regency_id is not None and not user.has_province_scope and regency_id != user.regency_id:
        return forbid(_("This is outside your regency."), Refusal.SCOPE)
    return ALLOWED


def require(user, action, *, regency_id=None):
    """Raise NotAllowed unless `role_and_scope` allows (the services' check before any write)."""
    ensure(role_and_scope(user, action, regency_id=regency_id))


def require_regency(user, regency_id):
    """Raise NotAllowed unless the user works in the regency or province-wide."""
    if not user.has_province_scope and regency_id != user.regency_id:
        ensure(forbid(_("This is outside your regency."), Refusal.SCOPE))
