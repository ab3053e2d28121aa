""" "Menunggu Anda" (waiting for you): what a user has to do now, derived from the data.

Each app registers providers with `@waiting_provider`; a provider takes the user and
returns the lines for that user (usually none, or one per kind of work with a count).
The home page lists them all, each linking to the page where the work is done.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitingLine:
    label: str
    count: int
    url: str


Provider = Callable[..., list[WaitingLine]]
_providers: list[Provider] = []


def waiting_provider(func: Provider) -> Provider:
    _providers.append(func)
    return func


def waiting_for(user) -> list[WaitingLine]:
    return [line for provider in _providers for line in provider(user) if line.count]
