"""Injected faults: what a flaky or locked-down Google endpoint does to a client.

A fault targets a metric type, "monitoring" (every ListTimeSeries), "alerts"
(ListAlertPolicies), "logging" (ListLogEntries) or "*" (everything), and either delays the
answer (latency, in ms) or fails the call with a gRPC status. With `times` it wears off after
that many calls. Thread-safe: the gRPC server answers calls on a pool of threads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from atlas.emulators.scenario import FAULT_KINDS, FaultSpec, ScenarioError

_MESSAGES = {
    "UNAVAILABLE": "The service is currently unavailable (injected by the atlas emulator).",
    "DEADLINE_EXCEEDED": "Deadline exceeded while answering (injected by the atlas emulator).",
    "PERMISSION_DENIED": "Permission denied on the resource (or it may not exist) (injected by the atlas emulator).",
    "RESOURCE_EXHAUSTED": "Quota exceeded for read requests per minute (injected by the atlas emulator).",
}


@dataclass(slots=True)
class ActiveFault:
    spec: FaultSpec
    remaining: int | None  # None: forever

    def matches(self, method: str, target: str | None) -> bool:
        t = self.spec.target
        if t == "*":
            return True
        if method == "ListTimeSeries":
            return t == "monitoring" or t == target
        if method == "ListAlertPolicies":
            return t == "alerts"
        if method == "ListLogEntries":
            return t == "logging"
        return False


class FaultBook:
    def __init__(self, specs: list[FaultSpec] = ()) -> None:
        self._lock = threading.Lock()
        self._faults = [ActiveFault(s, s.times) for s in specs]

    def add(self, spec: FaultSpec) -> None:
        if spec.kind not in FAULT_KINDS:
            raise ScenarioError(f"fault kind {spec.kind!r} is not one of {', '.join(FAULT_KINDS)}")
        with self._lock:
            self._faults.append(ActiveFault(spec, spec.times))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[FaultSpec]:
        """The faults still armed (a `times` fault is gone once used up), as GitHub's has."""
        with self._lock:
            return [f.spec for f in self._faults]

    def take(self, method: str, target: str | None) -> list[FaultSpec]:
        """The faults this call suffers (each use counts against `times`)."""
        hit = []
        with self._lock:
            for f in list(self._faults):
                if f.matches(method, target):
                    hit.append(f.spec)
                    if f.remaining is not None:
                        f.remaining -= 1
                        if f.remaining <= 0:
                            self._faults.remove(f)
        return hit


def apply(faults: list[FaultSpec], context, stopping: threading.Event) -> None:
    """Delay and/or abort the call. `context` is the grpc.ServicerContext."""
    import grpc

    for f in faults:
        if f.kind == "latency":
            deadline = time.monotonic() + f.ms / 1000
            # sleep in slices so a cancelled call or a stopping server is not held up
            while (left := deadline - time.monotonic()) > 0 and context.is_active() and not stopping.is_set():
                time.sleep(min(left, 0.05))
    for f in faults:
        if f.kind != "latency":
            context.abort(getattr(grpc.StatusCode, f.kind), _MESSAGES[f.kind])
