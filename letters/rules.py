"""Who may sign an official document: an active official with a position and a NIP, so that
the signature block carries name, position and NIP (the audit reads who signed)."""

from django.utils.translation import gettext as _

from core.rules import ALLOWED, Answer, Refusal, forbid


def signatory(user) -> Answer:
    if user is None:
        return forbid(_("Choose the official who signs."), Refusal.PERSON)
    if not user.is_active:
        return forbid(
            _("%(name)s is no longer active and cannot sign.") % {"name": user}, Refusal.PERSON
        )
    if not (user.position and user.nip):
        return forbid(
            _(
                "%(name)s cannot sign official documents yet: their position and NIP are not "
                "recorded (the administrator adds them to the user)."
            )
            % {"name": user},
            Refusal.PERSON,
        )
    return ALLOWED
