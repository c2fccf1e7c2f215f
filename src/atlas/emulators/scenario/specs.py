"""What a scenario holds: series, log entries, alert policies and faults, relative to now.

Pure: no gRPC, no Google imports; the emulator turns these specs into protobuf messages.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MINUTE = 60

VALUE_TYPES = ("double", "int64", "bool", "distribution")
METRIC_KINDS = ("gauge", "delta", "cumulative")
SEVERITIES = ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
FAULT_KINDS = ("latency", "UNAVAILABLE", "DEADLINE_EXCEEDED", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED")


def _unit_hash(seed: int, t: int) -> float:
    """A repeatable pseudo-random number in [0, 1) for (seed, time): splitmix64, cheap
    enough for ten thousand series."""
    z = (seed * 0x9E3779B97F4A7C15 + t * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return ((z ^ (z >> 31)) >> 11) / float(1 << 53)


@dataclass(frozen=True, slots=True)
class Shape:
    """How a series' value evolves; `value(offset)` for offset <= 0 seconds from now."""

    kind: str  # constant | values | step | pulse
    constant: float = 0.0  # also a pulse's value per run
    values: tuple[float, ...] = ()
    before: float = 0.0
    after: float = 0.0
    at: float = 0.0
    # pulse: a run every `every` seconds, the newest at offset `last`, none before `first`
    every: float = 0.0
    last: float = 0.0
    first: float = -math.inf

    def value(self, offset: float, points_ago: int, span: int = MINUTE) -> float | None:
        """The value `offset` seconds from now, at the point `points_ago` points before the
        newest one (lists count in points, one per sample period, so they do not depend on
        rounding); `span` is the sample period a point covers."""
        if self.kind == "constant":
            return self.constant
        if self.kind == "step":
            return self.after if offset >= self.at else self.before
        if self.kind == "pulse":
            return self.constant * self.runs_in(offset, span)
        idx = len(self.values) - 1 - points_ago  # the last value is the newest point
        return self.values[idx] if 0 <= idx < len(self.values) else None

    def runs_in(self, offset: float, span: int = MINUTE) -> int:
        """How many pulse runs (at last - k * every, k >= 0, not before first) fall in the
        sample period a point at `offset` ends: (offset - span, offset], the interval a DELTA
        point counts, so a run is counted by the first point at or after it, as at Google."""
        lo = max(0, math.ceil((self.last - offset) / self.every))
        hi = math.ceil((self.last - offset + span) / self.every) - 1
        if self.first > -math.inf:
            hi = min(hi, math.floor((self.last - self.first) / self.every))
        return max(0, hi - lo + 1)


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    index: int
    metric_type: str
    resource_type: str
    project: str
    resource_labels: dict[str, str]
    metric_labels: dict[str, str]
    value_type: str
    metric_kind: str
    shape: Shape
    history: float  # seconds of points before now
    gap: tuple[float, float] | None = None  # (from, to) offsets with no points
    noise: tuple[float, int] | None = None  # (amplitude, seed)
    unit: str = ""
    # seconds between points: Google samples each metric at its documented period (the metric
    # table's sample_period, e.g. 300 s for composer.googleapis.com/environment/healthy)
    sample_period: int = MINUTE

    def points(self, now: float, since: float | None = None) -> list[tuple[int, float]]:
        """(epoch seconds, value) on the sample grid (end times on multiples of the sample
        period), oldest first. For delta and cumulative metrics the value is the amount counted
        in the sample period the point ends. `since` skips older points (not for cumulatives,
        whose totals count from the first point)."""
        step = self.sample_period
        newest = int(now // step) * step
        oldest = newest - int(self.history // step) * step
        if since is not None and self.metric_kind != "cumulative":
            oldest = max(oldest, int(since // step) * step)
        out: list[tuple[int, float]] = []
        for t in range(oldest, newest + 1, step):
            offset = t - now
            if self.gap and self.gap[0] <= offset <= self.gap[1]:
                continue
            v = self.shape.value(offset, (newest - t) // step, step)
            if v is None:
                continue
            if self.noise:
                amplitude, seed = self.noise
                # seeded by the point's own time: a point keeps its value as "now" moves on
                noisy = v + amplitude * (2 * _unit_hash(seed, t) - 1)
                v = max(noisy, 0.0) if v >= 0 else noisy  # noise never makes counts negative
            if self.value_type == "int64":
                v = float(round(v))
            elif self.value_type == "bool":
                v = 1.0 if v >= 0.5 else 0.0
            out.append((t, v))
        return out


@dataclass(frozen=True, slots=True)
class LogEntryData:
    """One materialised log entry (absolute time), ready to become a LogEntry message."""

    insert_id: str
    timestamp: float
    severity: str
    project: str
    log_name: str  # full: projects/P/logs/NAME
    resource_type: str
    resource_labels: dict[str, str]
    labels: dict[str, str]
    text: str | None
    json: dict[str, Any] | None
    trace: str
    proto: dict[str, Any] | None = None  # an AuditLog protoPayload, as its JSON (camelCase keys)


@dataclass(frozen=True, slots=True)
class LogSpec:
    index: int
    at: float
    severity: str
    project: str
    log_id: str
    resource_type: str
    resource_labels: dict[str, str]
    labels: dict[str, str]
    text: str | None
    json: dict[str, Any] | None
    trace: str
    repeat: int = 1
    every: float = MINUTE
    proto: dict[str, Any] | None = None
    bucket: str = ""  # projects/P/locations/L/buckets/B a sink routes it to (also kept in its project)

    def entries(self, now: float) -> list[LogEntryData]:
        out = []
        for k in range(self.repeat):
            offset = self.at + k * self.every
            if offset > 0:  # entries past "now" have not happened yet
                break
            trace = self.trace
            if trace == "auto":
                trace = random.Random(f"trace:{self.index}:{k}").getrandbits(128).to_bytes(16, "big").hex()
            if trace and not trace.startswith("projects/"):
                trace = f"projects/{self.project}/traces/{trace}"
            out.append(LogEntryData(
                insert_id=f"atlas-{self.index}-{k}", timestamp=now + offset, severity=self.severity,
                project=self.project, log_name=f"projects/{self.project}/logs/{self.log_id.replace('/', '%2F')}",
                resource_type=self.resource_type, resource_labels=self.resource_labels, labels=self.labels,
                text=self.text, json=self.json, trace=trace, proto=self.proto))
        return out


@dataclass(frozen=True, slots=True)
class AlertPolicySpec:
    index: int
    project: str
    display_name: str
    filter: str
    comparison: str
    threshold: float
    duration: float
    enabled: bool
    documentation: str
    severity: str


@dataclass(frozen=True, slots=True)
class FaultSpec:
    target: str  # a metric type, "monitoring", "alerts", "logging" or "*"
    kind: str  # one of FAULT_KINDS
    ms: int = 0  # for latency
    times: int | None = None  # None: every call


@dataclass(slots=True)
class Scenario:
    name: str = "scenario"
    project: str = "demo-project"
    series: list[SeriesSpec] = field(default_factory=list)
    logs: list[LogSpec] = field(default_factory=list)
    alert_policies: list[AlertPolicySpec] = field(default_factory=list)
    faults: list[FaultSpec] = field(default_factory=list)
    # Cloud Logging's read quota: 60 entries.list calls per minute per project
    # (cloud.google.com/logging/quotas); a test lowers it to hit it without sleeping.
    logging_read_quota: int = 60
    # pages a search answers empty, with a next_page_token, before its first entries (Logging
    # does this while a search over a large range is still running)
    logging_search_pages: int = 0
    github_repos_dir: Path | None = None
    path: Path | None = None
    pubsub: Any = None  # pubsub.PubSubSpec: the topics and subscriptions the admin API lists
    kubeflow: dict = field(default_factory=dict)  # the raw [kubeflow] table (atlas.emulators.kfp.seed)
    vertex: dict = field(default_factory=dict)  # the raw [vertex] table (atlas.emulators.vertex.seed)
