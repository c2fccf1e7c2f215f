"""Injected failures: the ways GitHub misbehaves that a careful client has to survive.

``at=N`` means the Nth matching request from the moment of injection (1 = the next one);
the fault then fires on that request and the following matching ones, ``times`` in all.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
PRIMARY_RATE_LIMIT_MESSAGE = (
    "API rate limit exceeded for user ID 1001. If you reach out to GitHub Support for help, "
    "please include the request ID {request_id}."
)
KINDS = ("500", "502", "503", "secondary_rate_limit", "rate_limit", "429", "drop", "slow")


@dataclass
class Fault:
    kind: str
    at: int = 1
    method: str | None = None
    path_regex: re.Pattern[str] | None = None
    times: int = 1
    retry_after: int = 1  # seconds: Retry-After, or until the primary limit resets
    delay: float = 0.0  # seconds, for slow
    seen: int = 0
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        return self.fired >= self.times

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not self.path_regex or bool(self.path_regex.search(path))


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str | int, *, at: int = 1, method: str | None = None,
            path_regex: str | None = None, times: int = 1, retry_after: int = 1,
            delay: float = 0.0) -> Fault:
        kind = str(kind)
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
        if at < 1 or times < 1:
            raise ValueError("fault 'at' and 'times' must be >= 1")
        fault = Fault(kind, at, method, re.compile(path_regex) if path_regex else None, times,
                      retry_after, delay)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The fault this request triggers, if any; counts the request for every pending fault."""
        chosen = None
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(method, path):
                    continue
                fault.seen += 1
                if chosen is None and fault.seen >= fault.at:
                    fault.fired += 1
                    chosen = fault
            self._faults = [f for f in self._faults if not f.exhausted]
        return chosen

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
