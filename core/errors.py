from django.dispatch import Signal

# Sent with `error` whenever a NotAllowed is raised (created), so that the access log
# records every refusal by role or scope, whichever service refuses.
not_allowed = Signal()


class DomainError(Exception):
    """A refused state change: one or more messages for the user, in their language."""

    def __init__(self, *messages):
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(self.messages))


class NotAllowed(DomainError):
    """The user's role or scope does not allow this change."""

    def __init__(self, *messages):
        super().__init__(*messages)
        not_allowed.send(sender=NotAllowed, error=self)


def required_reason(reason) -> str:
    """The reason stripped of surrounding blanks, or a DomainError when there is none."""
    from django.utils.translation import gettext as _

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is required."))
    return reason


def clean_or_refuse(instance, *, full=False) -> None:
    """Run the model's own data rules and raise their messages as a DomainError: a service
    refuses the value with the message a form or the admin shows. `Model.clean` only, or
    with `full` every field, unique and constraint check (`Model.full_clean`)."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean() if full else instance.clean()
    except ValidationError as error:
        raise DomainError(*error.messages) from None
