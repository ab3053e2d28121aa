class DomainError(Exception):
    """A refused state change: one or more messages for the user, in their language."""

    def __init__(self, *messages):
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(self.messages))


class NotAllowed(DomainError):
    """The user's role or scope does not allow this change."""
