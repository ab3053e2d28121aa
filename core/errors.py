from django.dispatch import Signal

# Sent with `error` whenever a NotAllowed is raised (created), so that the access log
# records every refusal by role or scope, whichever service refuses.
not_allowed = Signal()


class DomainError(Exception):
    """A refused state change: one or more messages for the user, in their language."""

    def __init__(self, *messages, field: str | None = None):
        self.messages = [str(m) for m in messages]
        self.field = field  # the input the refusal is about, when it is about one
        super().__init__(" ".join(self.messages))


class NotAllowed(DomainError):
    """The user's role or scope does not allow this change."""

    def __init__(self, *messages, field: str | None = None):
        super().__init__(*messages, field=field)
        not_allowed.send(sender=NotAllowed, error=self)


def required_reason(reason) -> str:
    """The reason stripped of surrounding blanks, or a DomainError when there is none."""
    from django.utils.translation import gettext as _

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is required."))
    return reason


def data_problems(obj, *, exclude=(), subject="", constraints=False) -> list[str]:
    """What the model's own data rules (field validators and `clean()`, with `constraints`
    also its unique and check constraints) refuse in `obj`, each naming its field (and
    `subject`, the member it is about), as the form would show them."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(
            exclude=exclude, validate_unique=constraints, validate_constraints=constraints
        )
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            label = "" if name == "__all__" else obj._meta.get_field(name).verbose_name
            where = ", ".join(str(part) for part in (subject, label) if part)
            problems += [f"{where}: {message}" if where else message for message in messages]
        return problems
    return []


def clean_or_refuse(instance, *, full=False) -> None:
    """Run the model's own data rules and raise their messages as a DomainError: a service
    refuses the value with the message a form or the admin shows. `Model.clean` only, or
    with `full` every field, unique and constraint check, each naming its field."""
    from django.core.exceptions import ValidationError

    if full:
        problems = data_problems(instance, constraints=True)
        if problems:
            raise DomainError(*problems)
        return
    try:
        instance.clean()
    except ValidationError as error:
        raise DomainError(*error.messages) from None
