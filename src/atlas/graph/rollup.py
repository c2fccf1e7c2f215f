"""Rolling many statuses up into one: the worst wins, NO_DATA only when nothing else is known.

A system with nine healthy components and one without signals is OK, not NO_DATA: missing
data says nothing about health, so it must not outrank a real reading. ERROR (a query that
failed) does outrank OK, because it means we could not look.
"""

from __future__ import annotations

from collections.abc import Iterable

from atlas.health.model import Status


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status, ignoring NO_DATA unless it is all there is (or nothing is)."""
    found: Status | None = None
    for status in statuses:
        if status is Status.NO_DATA:
            continue
        if found is None or status.severity > found.severity:
            found = status
    return Status.NO_DATA if found is None else found
