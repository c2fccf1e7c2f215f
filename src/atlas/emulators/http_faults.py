"""Faults the HTTP emulators (Kubeflow Pipelines, Vertex AI) can be told to inject: a status
code, a dropped connection or a slow answer, on every request or those whose path matches,
a number of times. Each emulator names the kinds it supports."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Fault:
    kind: str
    path_regex: re.Pattern[str] | None
    times: int
    delay: float = 0.0
    fired: int = 0


class FaultPlan:
    def __init__(self, kinds: Iterable[str]) -> None:
        self.kinds = tuple(kinds)
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str | int, *, path_regex: str | None = None, times: int = 1, delay: float = 0.0) -> Fault:
        kind = str(kind)
        if kind not in self.kinds:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(self.kinds)}")
        fault = Fault(kind, re.compile(path_regex) if path_regex else None, max(1, times), delay)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The first fault still due for this path (counted as fired), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.fired < fault.times and (fault.path_regex is None or fault.path_regex.search(path)):
                    fault.fired += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
