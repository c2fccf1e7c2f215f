"""Scenarios: what the GCP emulator serves, written relative to "now".

A scenario is a TOML file (documented in docs/scenario-format.md) with time series, log
entries, alert policies, faults and the GitHub seed location. Everything is relative to the
moment of the request, so a demo incident is always "3 h ago". Loading validates the whole
file and raises `ScenarioError` with one line naming the file, the entry and the field.

Pure: no gRPC, no Google imports; the emulator turns these specs into protobuf messages.
"""

from __future__ import annotations

import math
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MINUTE = 60

VALUE_TYPES = ("double", "int64", "bool", "distribution")
METRIC_KINDS = ("gauge", "delta", "cumulative")
SEVERITIES = ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
FAULT_KINDS = ("latency", "UNAVAILABLE", "DEADLINE_EXCEEDED", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED")

# Google's metric kinds for the counters atlas reads, so a scenario need not repeat them.
# Anything not listed (and not given explicitly) is a GAUGE.
KNOWN_KINDS: dict[str, tuple[str, str]] = {
    "pubsub.googleapis.com/topic/send_request_count": ("delta", "int64"),
    "bigquery.googleapis.com/storage/uploaded_row_count": ("delta", "int64"),
    "composer.googleapis.com/workflow/run_count": ("delta", "int64"),
    "bigquerydatatransfer.googleapis.com/transfer_config/completed_runs": ("delta", "int64"),
    "kubernetes.io/container/restart_count": ("cumulative", "int64"),
    "run.googleapis.com/request_count": ("delta", "int64"),
    "run.googleapis.com/request_latencies": ("delta", "distribution"),
    "prometheus.googleapis.com/grpc_server_handled_total/counter": ("cumulative", "double"),
    "prometheus.googleapis.com/grpc_server_handling_seconds/histogram": ("cumulative", "distribution"),
}

_DURATION = re.compile(r"^\s*(-?)\s*((?:\d+(?:\.\d+)?[smhd])+)\s*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ScenarioError(ValueError):
    """A scenario file that cannot be served; the message is one line for a person."""


def parse_offset(text: Any, where: str, *, relative: bool = True) -> float:
    """'-25m' -> -1500.0 seconds; 'now' -> 0. With relative=False a positive span ('2m')."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    elif isinstance(text, str) and text.strip() == "now" and relative:
        return 0.0
    elif isinstance(text, str) and (m := _DURATION.match(text)):
        value = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(m.group(2)))
        value *= -1 if m.group(1) else 1
    else:
        example = '"-25m", "-3h" or "now"' if relative else '"30s", "2m" or "1h"'
        raise ScenarioError(f"{where}: {text!r} is not a duration (use {example})")
    if relative and value > 0:
        raise ScenarioError(f"{where}: {text!r} is in the future; times are relative to now, e.g. \"-{text}\"")
    if not relative and value <= 0:
        raise ScenarioError(f"{where}: {text!r} must be a positive duration")
    return value


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

    kind: str  # constant | values | step
    constant: float = 0.0
    values: tuple[float, ...] = ()
    before: float = 0.0
    after: float = 0.0
    at: float = 0.0

    def value(self, offset: float, minutes_ago: int) -> float | None:
        """The value `offset` seconds from now, at the point `minutes_ago` minutes before
        the newest one (lists count in points, so they do not depend on rounding)."""
        if self.kind == "constant":
            return self.constant
        if self.kind == "step":
            return self.after if offset >= self.at else self.before
        idx = len(self.values) - 1 - minutes_ago  # the last value is the newest point
        return self.values[idx] if 0 <= idx < len(self.values) else None


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

    def points(self, now: float, since: float | None = None) -> list[tuple[int, float]]:
        """(epoch seconds, value) on minute boundaries, oldest first. For delta and
        cumulative metrics the value is the amount counted in that minute. `since` skips
        older points (not for cumulatives, whose totals count from the first point)."""
        newest = int(now // MINUTE) * MINUTE
        oldest = newest - int(self.history // MINUTE) * MINUTE
        if since is not None and self.metric_kind != "cumulative":
            oldest = max(oldest, int(since // MINUTE) * MINUTE)
        out: list[tuple[int, float]] = []
        for t in range(oldest, newest + 1, MINUTE):
            offset = t - now
            if self.gap and self.gap[0] <= offset <= self.gap[1]:
                continue
            v = self.shape.value(offset, (newest - t) // MINUTE)
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
                text=self.text, json=self.json, trace=trace))
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
    github_repos_dir: Path | None = None
    path: Path | None = None


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: scenario file not found") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario ({exc.strerror or exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    try:
        return scenario_from_dict(data, base_dir=path.parent, path=path)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: {exc}") from None


def scenario_from_dict(data: dict[str, Any], *, base_dir: Path | None = None, path: Path | None = None) -> Scenario:
    """Build a Scenario from parsed TOML (tests build them in code this way)."""
    _only(data, {"scenario", "series", "log", "alert_policy", "fault", "github"}, "top level")
    head = _table(data, "scenario", "[scenario]")
    _only(head, {"name", "project", "history"}, "[scenario]")
    project = _str(head, "project", "[scenario]", default="demo-project")
    history = parse_offset(head.get("history", "-60m"), "[scenario] history")
    sc = Scenario(name=_str(head, "name", "[scenario]", default="scenario"), project=project, path=path)
    for i, entry in enumerate(_array(data, "series"), 1):
        sc.series.append(_series(i, entry, project, history))
    for i, entry in enumerate(_array(data, "log"), 1):
        sc.logs.append(_log(i, entry, project))
    for i, entry in enumerate(_array(data, "alert_policy"), 1):
        sc.alert_policies.append(_alert(i, entry, project))
    for i, entry in enumerate(_array(data, "fault"), 1):
        sc.faults.append(parse_fault(entry, f"[[fault]] #{i}"))
    gh = _table(data, "github", "[github]")
    _only(gh, {"repos_dir"}, "[github]")
    if "repos_dir" in gh:
        repos = Path(_str(gh, "repos_dir", "[github]"))
        sc.github_repos_dir = repos if repos.is_absolute() or base_dir is None else base_dir / repos
    return sc


def _series(i: int, e: Any, project: str, history: float) -> SeriesSpec:
    where = f"[[series]] #{i}"
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    _only(e, {"metric_type", "resource_type", "project", "resource_labels", "metric_labels", "value_type",
              "metric_kind", "constant", "values", "step", "history", "gap", "noise", "unit"}, where)
    metric_type = _str(e, "metric_type", where)
    where = f"{where} ({metric_type})"
    kind_default, type_default = KNOWN_KINDS.get(metric_type, ("gauge", "double"))
    value_type = _choice(e, "value_type", VALUE_TYPES, where, type_default)
    metric_kind = _choice(e, "metric_kind", METRIC_KINDS, where, kind_default)
    proj = _str(e, "project", where, default=project)
    resource_labels = {"project_id": proj, **_labels(e, "resource_labels", where)}
    shapes = [k for k in ("constant", "values", "step") if k in e]
    if len(shapes) != 1:
        raise ScenarioError(f"{where}: give exactly one shape: constant, values or step (found {', '.join(shapes) or 'none'})")
    if shapes[0] == "constant":
        shape = Shape("constant", constant=_num(e["constant"], f"{where} constant"))
    elif shapes[0] == "values":
        vals = e["values"]
        if not isinstance(vals, list) or not vals:
            raise ScenarioError(f"{where} values: must be a non-empty list of numbers, one per minute, ending now")
        shape = Shape("values", values=tuple(_num(v, f"{where} values[{j}]") for j, v in enumerate(vals)))
    else:
        st = e["step"]
        if not isinstance(st, dict) or set(st) != {"at", "before", "after"}:
            raise ScenarioError(f'{where} step: must be {{ at = "-25m", before = 1, after = 0 }}')
        shape = Shape("step", before=_num(st["before"], f"{where} step.before"),
                      after=_num(st["after"], f"{where} step.after"), at=parse_offset(st["at"], f"{where} step.at"))
    gap = None
    if "gap" in e:
        g = e["gap"]
        if not isinstance(g, dict) or "from" not in g or set(g) - {"from", "to"}:
            raise ScenarioError(f'{where} gap: must be {{ from = "-40m" }} (optionally to = "-10m")')
        gap = (parse_offset(g["from"], f"{where} gap.from"), parse_offset(g.get("to", "now"), f"{where} gap.to"))
        if gap[0] > gap[1]:
            raise ScenarioError(f"{where} gap: from must be before to")
    noise = None
    if "noise" in e:
        n = e["noise"]
        if not isinstance(n, dict) or "amplitude" not in n or set(n) - {"amplitude", "seed"}:
            raise ScenarioError(f"{where} noise: must be {{ amplitude = 0.1, seed = 7 }}")
        noise = (abs(_num(n["amplitude"], f"{where} noise.amplitude")), int(_num(n.get("seed", 0), f"{where} noise.seed")))
    hist = -parse_offset(e["history"], f"{where} history") if "history" in e else -history
    return SeriesSpec(index=i, metric_type=metric_type, resource_type=_str(e, "resource_type", where), project=proj,
                      resource_labels=resource_labels, metric_labels=_labels(e, "metric_labels", where),
                      value_type=value_type, metric_kind=metric_kind, shape=shape, history=hist, gap=gap,
                      noise=noise, unit=_str(e, "unit", where, default=""))


def _log(i: int, e: Any, project: str) -> LogSpec:
    where = f"[[log]] #{i}"
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    _only(e, {"at", "severity", "project", "log_name", "resource_type", "resource_labels", "labels", "text",
              "json", "trace", "repeat", "every"}, where)
    if ("text" in e) == ("json" in e):
        raise ScenarioError(f"{where}: give exactly one payload: text (textPayload) or json (jsonPayload)")
    if "json" in e and not isinstance(e["json"], dict):
        raise ScenarioError(f"{where} json: must be a table (the jsonPayload)")
    severity = _choice(e, "severity", SEVERITIES, where, "INFO")
    repeat = e.get("repeat", 1)
    if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
        raise ScenarioError(f"{where} repeat: must be a whole number >= 1")
    proj = _str(e, "project", where, default=project)
    return LogSpec(index=i, at=parse_offset(e.get("at", "now"), f"{where} at"), severity=severity, project=proj,
                   log_id=_str(e, "log_name", where, default="atlas-demo"),
                   resource_type=_str(e, "resource_type", where),
                   resource_labels={"project_id": proj, **_labels(e, "resource_labels", where)},
                   labels=_labels(e, "labels", where),
                   text=_str(e, "text", where) if "text" in e else None, json=e.get("json"),
                   trace=_str(e, "trace", where, default=""), repeat=repeat,
                   every=parse_offset(e.get("every", "1m"), f"{where} every", relative=False))


def _alert(i: int, e: Any, project: str) -> AlertPolicySpec:
    where = f"[[alert_policy]] #{i}"
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    _only(e, {"name", "project", "filter", "comparison", "threshold", "duration", "enabled", "documentation",
              "severity"}, where)
    comparisons = ("COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE", "COMPARISON_EQ", "COMPARISON_NE")
    enabled = e.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ScenarioError(f"{where} enabled: must be true or false")
    return AlertPolicySpec(index=i, project=_str(e, "project", where, default=project),
                           display_name=_str(e, "name", where), filter=_str(e, "filter", where),
                           comparison=_choice(e, "comparison", comparisons, where, "COMPARISON_GT"),
                           threshold=_num(e.get("threshold", 0), f"{where} threshold"),
                           duration=parse_offset(e["duration"], f"{where} duration", relative=False)
                           if "duration" in e else 0.0,
                           enabled=enabled, documentation=_str(e, "documentation", where, default=""),
                           severity=_choice(e, "severity", ("CRITICAL", "ERROR", "WARNING", "SEVERITY_UNSPECIFIED"),
                                            where, "SEVERITY_UNSPECIFIED"))


def parse_fault(e: Any, where: str = "fault") -> FaultSpec:
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    _only(e, {"target", "kind", "ms", "times"}, where)
    kind = _choice(e, "kind", FAULT_KINDS, where, None)
    ms = e.get("ms", 0)
    if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0 or (kind == "latency" and ms == 0):
        raise ScenarioError(f"{where} ms: a latency fault needs ms = a positive whole number of milliseconds")
    times = e.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ScenarioError(f"{where} times: must be a whole number >= 1 (or left out for every call)")
    return FaultSpec(target=_str(e, "target", where, default="*"), kind=kind, ms=ms, times=times)


# -- small validators: each names the entry and the field ------------------------------------

def _only(e: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(e) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: must be a table")
    return value


def _array(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ScenarioError(f"[[{key}]]: must be an array of tables (write [[{key}]])")
    return value


_MISSING = object()


def _str(e: dict, key: str, where: str, default: Any = _MISSING) -> str:
    if key not in e:
        if default is _MISSING:
            raise ScenarioError(f"{where}: missing required field {key!r}")
        return default
    if not isinstance(e[key], str) or not e[key].strip():
        raise ScenarioError(f"{where} {key}: must be a non-empty string")
    return e[key]


def _num(v: Any, where: str) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if not isinstance(v, (int, float)) or math.isnan(v) or math.isinf(v):
        raise ScenarioError(f"{where}: must be a number (got {v!r})")
    return float(v)


def _choice(e: dict, key: str, choices: tuple[str, ...], where: str, default: str | None) -> str:
    if key not in e:
        if default is None:
            raise ScenarioError(f"{where}: missing required field {key!r} (one of {', '.join(choices)})")
        return default
    value = e[key]
    if value not in choices:
        raise ScenarioError(f"{where} {key}: {value!r} is not one of {', '.join(choices)}")
    return value


def _labels(e: dict, key: str, where: str) -> dict[str, str]:
    value = e.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ScenarioError(f"{where} {key}: must be a table of string values, e.g. {{ job_name = \"x\" }}")
    return dict(value)
