"""What higher apps add to a lower app's page: buttons and sections.

A lower app's page (the group page) sends a signal declared in its `signals.py`; each
receiver in a higher app returns a list of `PageLink` and `PageSection` for the object and
the user (asking its own rules), and the page shows them in the order the apps answer.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageLink:
    """A button that opens the page where a higher app's action is done."""

    label: str
    url: str
    style: str = "outline-primary"  # Bootstrap button variant


@dataclass(frozen=True)
class PageSection:
    """A part of the page rendered from a higher app's template with its own context."""

    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PageParts:
    links: list[PageLink]
    sections: list[PageSection]


def page_parts(signal, **kwargs) -> PageParts:
    links, sections = [], []
    for _receiver, parts in signal.send(sender=None, **kwargs):
        for part in parts or ():
            (links if isinstance(part, PageLink) else sections).append(part)
    return PageParts(links, sections)
