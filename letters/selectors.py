"""Reads of the register."""

from letters.models import Letter


def letter_list(*, user):
    """The register entries the user may see, with what the page and its export show."""
    return Letter.objects.visible_to(user).select_related("regency", "signed_by", "issued_by")
