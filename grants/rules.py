"""Tranche rules that depend on other parts of the programme."""

from collections.abc import Callable

# Progress reports register a check here: given a grant, it returns the Indonesian message
# naming the period whose report is missing or not yet accepted, or None. Until the
# reports app registers one, no tranche is held back for a report.
_report_gates: list[Callable] = []


def register_report_gate(check: Callable) -> Callable:
    _report_gates.append(check)
    return check


def missing_report(grant) -> str | None:
    for check in _report_gates:
        message = check(grant)
        if message:
            return message
    return None
