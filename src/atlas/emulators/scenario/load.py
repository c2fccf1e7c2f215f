"""Loading a scenario file: TOML in, validated specs out, or one `ScenarioError` line."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

from atlas.metrictable import table as metric_table

from .fields import ScenarioError, array, choice, labels, number, only, parse_offset, string, table
from .pubsub import parse_pubsub
from .specs import (FAULT_KINDS, METRIC_KINDS, MINUTE, SEVERITIES, VALUE_TYPES, AlertPolicySpec, FaultSpec, LogSpec,
                    Scenario, SeriesSpec, Shape)

# Bounds that keep one request cheap: every call regenerates points and entries from now,
# so a typo such as history = "-9999d" would otherwise stall the emulator on each query.
MAX_HISTORY = 42 * 86400  # Cloud Monitoring keeps most metrics for six weeks
MAX_REPEAT = 100_000

# Google's metric kinds and value types, from atlas's metric table (atlas/metrictable/metrics.toml):
# a scenario need not repeat them and may not contradict them. Anything not listed (and not
# given explicitly) is a GAUGE DOUBLE.
KNOWN_KINDS: dict[str, tuple[str, str]] = {
    m.type: (m.kind.lower(), m.value_type.lower()) for m in metric_table().values()}
# ... and their sample periods ("Sampled every N seconds"): a series has a point every N s.
KNOWN_PERIODS: dict[str, int] = {m.type: m.sample_period for m in metric_table().values()}
MAX_SAMPLE_PERIOD = 86400  # a day: a bound, like MAX_HISTORY, not a Google limit


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; relative [github] repos_dir is taken from its folder."""
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
    only(data, {"scenario", "series", "log", "alert_policy", "fault", "github", "pubsub", "kubeflow", "vertex"},
         "top level")
    head = table(data, "scenario", "[scenario]")
    only(head, {"name", "project", "history", "logging_read_quota", "logging_search_pages"}, "[scenario]")
    project = string(head, "project", "[scenario]", default="demo-project")
    history = _history(head.get("history", "-60m"), "[scenario] history")
    sc = Scenario(name=string(head, "name", "[scenario]", default="scenario"), project=project, path=path)
    sc.logging_read_quota = _whole(head, "logging_read_quota", sc.logging_read_quota, 1)
    sc.logging_search_pages = _whole(head, "logging_search_pages", sc.logging_search_pages, 0)
    for i, entry in enumerate(array(data, "series"), 1):
        sc.series.append(_series(i, entry, project, history))
    for i, entry in enumerate(array(data, "log"), 1):
        sc.logs.append(_log(i, entry, project))
    for i, entry in enumerate(array(data, "alert_policy"), 1):
        sc.alert_policies.append(_alert(i, entry, project))
    for i, entry in enumerate(array(data, "fault"), 1):
        sc.faults.append(parse_fault(entry, f"[[fault]] #{i}"))
    sc.pubsub = parse_pubsub(data, project)
    gh = table(data, "github", "[github]")
    only(gh, {"repos_dir"}, "[github]")
    if "repos_dir" in gh:
        repos = Path(string(gh, "repos_dir", "[github]"))
        sc.github_repos_dir = repos if repos.is_absolute() or base_dir is None else base_dir / repos
    sc.kubeflow = table(data, "kubeflow", "[kubeflow]")
    if sc.kubeflow:  # check it now, so a typo is one line at load time, not at emulator start
        from atlas.emulators.kfp.seed import parse_seed

        parse_seed(sc.kubeflow, 0.0)
    sc.vertex = table(data, "vertex", "[vertex]")
    if sc.vertex:  # Vertex AI Pipelines (atlas.emulators.vertex.seed), checked the same way
        from atlas.emulators.vertex.seed import parse_seed as parse_vertex_seed

        parse_vertex_seed(sc.vertex, 0.0, project=project)
    return sc


def _whole(head: dict, key: str, default: int, least: int) -> int:
    value = head.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ScenarioError(f"[scenario] {key}: must be a whole number >= {least}")
    return value


def _history(text: Any, where: str) -> float:
    offset = parse_offset(text, where)
    if offset < -MAX_HISTORY:
        raise ScenarioError(f"{where}: {text!r} reaches back more than 42 days (Cloud Monitoring's retention)")
    return offset


def _series(i: int, e: Any, project: str, history: float) -> SeriesSpec:
    where = f"[[series]] #{i}"
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    only(e, {"metric_type", "resource_type", "project", "resource_labels", "metric_labels", "value_type",
              "metric_kind", "constant", "values", "step", "pulse", "history", "gap", "noise", "unit",
              "sample_period"}, where)
    metric_type = string(e, "metric_type", where)
    where = f"{where} ({metric_type})"
    kind_default, type_default = KNOWN_KINDS.get(metric_type, ("gauge", "double"))
    value_type = choice(e, "value_type", VALUE_TYPES, where, type_default)
    metric_kind = choice(e, "metric_kind", METRIC_KINDS, where, kind_default)
    if metric_type in KNOWN_KINDS and (metric_kind, value_type) != KNOWN_KINDS[metric_type]:
        raise ScenarioError(f"{where}: Google reports {metric_type} as {kind_default.upper()} {type_default.upper()}, "
                            f"not {metric_kind.upper()} {value_type.upper()} (drop metric_kind / value_type)")
    proj = string(e, "project", where, default=project)
    resource_labels = {"project_id": proj, **labels(e, "resource_labels", where)}
    shapes = [k for k in ("constant", "values", "step", "pulse") if k in e]
    if len(shapes) != 1:
        raise ScenarioError(f"{where}: give exactly one shape: constant, values, step or pulse "
                            f"(found {', '.join(shapes) or 'none'})")
    if shapes[0] == "constant":
        shape = Shape("constant", constant=number(e["constant"], f"{where} constant"))
    elif shapes[0] == "values":
        vals = e["values"]
        if not isinstance(vals, list) or not vals:
            raise ScenarioError(f"{where} values: must be a non-empty list of numbers, one per point "
                                "(one per sample period), ending now")
        shape = Shape("values", values=tuple(number(v, f"{where} values[{j}]") for j, v in enumerate(vals)))
    elif shapes[0] == "pulse":
        shape = _pulse(e["pulse"], f"{where} pulse")
    else:
        st = e["step"]
        if not isinstance(st, dict) or set(st) != {"at", "before", "after"}:
            raise ScenarioError(f'{where} step: must be {{ at = "-25m", before = 1, after = 0 }}')
        shape = Shape("step", before=number(st["before"], f"{where} step.before"),
                      after=number(st["after"], f"{where} step.after"), at=parse_offset(st["at"], f"{where} step.at"))
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
        noise = (abs(number(n["amplitude"], f"{where} noise.amplitude")), int(number(n.get("seed", 0), f"{where} noise.seed")))
    hist = -_history(e["history"], f"{where} history") if "history" in e else -history
    period = _sample_period(e, metric_type, where)
    return SeriesSpec(index=i, metric_type=metric_type, resource_type=string(e, "resource_type", where), project=proj,
                      resource_labels=resource_labels, metric_labels=labels(e, "metric_labels", where),
                      value_type=value_type, metric_kind=metric_kind, shape=shape, history=hist, gap=gap,
                      noise=noise, unit=string(e, "unit", where, default=""), sample_period=period)


def _sample_period(e: dict, metric_type: str, where: str) -> int:
    """Seconds between the series' points: Google's for a metric in the table (which a scenario
    may repeat, never contradict), else `sample_period` (a user-defined metric is written as
    often as its writer writes, a Managed Prometheus one at its scrape interval), else 60 s."""
    known = KNOWN_PERIODS.get(metric_type)
    if "sample_period" not in e:
        return known or MINUTE
    text = e["sample_period"]
    period = parse_offset(text, f"{where} sample_period", relative=False)
    # whole minutes: the emulator's grid (and Cloud Monitoring's alignment periods) are minutes
    if period % MINUTE or period > MAX_SAMPLE_PERIOD:
        raise ScenarioError(f"{where} sample_period: {text!r} must be a whole number of minutes, at most 24h")
    if known is not None and int(period) != known:
        raise ScenarioError(f"{where} sample_period: Google samples {metric_type} every {known} s, not {int(period)} s "
                            "(drop sample_period)")
    return int(period)


def _pulse(p: Any, where: str) -> Shape:
    """A periodic event (a scheduled run, a batch load): `value` in the minute of each run,
    0 in the others, which a DELTA counter serves as no point at all (Google writes none
    for an interval in which nothing was counted)."""
    if not isinstance(p, dict) or not {"every", "last"} <= set(p) or set(p) - {"every", "last", "value", "first", "count"}:
        raise ScenarioError(f'{where}: must be {{ every = "1h", last = "-12m", value = 1 }} '
                            '(optionally first = "-30h" or count = 30)')
    every = parse_offset(p["every"], f"{where}.every", relative=False)
    last = parse_offset(p["last"], f"{where}.last")
    value = number(p.get("value", 1), f"{where}.value")
    if "first" in p and "count" in p:
        raise ScenarioError(f"{where}: give first or count, not both")
    first = -math.inf
    if "first" in p:
        first = parse_offset(p["first"], f"{where}.first")
        if first > last:
            raise ScenarioError(f"{where}.first: {p['first']!r} is after last ({p['last']!r}); the oldest run comes first")
    elif "count" in p:
        count = p["count"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ScenarioError(f"{where}.count: must be a whole number >= 1 (the number of runs, the newest at last)")
        first = last - (count - 1) * every
    return Shape("pulse", constant=value, every=every, last=last, first=first)


def _log(i: int, e: Any, project: str) -> LogSpec:
    where = f"[[log]] #{i}"
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    only(e, {"at", "severity", "project", "log_name", "resource_type", "resource_labels", "labels", "text",
              "json", "proto", "trace", "repeat", "every", "bucket"}, where)
    if sum(k in e for k in ("text", "json", "proto")) != 1:
        raise ScenarioError(f"{where}: give exactly one payload: text (textPayload), json (jsonPayload) "
                            "or proto (an audit log's protoPayload)")
    if "proto" in e and not isinstance(e["proto"], dict):
        raise ScenarioError(f"{where} proto: must be a table (the AuditLog protoPayload, camelCase keys)")
    if "json" in e and not isinstance(e["json"], dict):
        raise ScenarioError(f"{where} json: must be a table (the jsonPayload)")
    severity = choice(e, "severity", SEVERITIES, where, "INFO")
    repeat = e.get("repeat", 1)
    if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= MAX_REPEAT:
        raise ScenarioError(f"{where} repeat: must be a whole number from 1 to {MAX_REPEAT:,}")
    proj = string(e, "project", where, default=project)
    return LogSpec(index=i, at=parse_offset(e.get("at", "now"), f"{where} at"), severity=severity, project=proj,
                   log_id=string(e, "log_name", where, default="atlas-demo"),
                   resource_type=string(e, "resource_type", where),
                   resource_labels={"project_id": proj, **labels(e, "resource_labels", where)},
                   labels=labels(e, "labels", where),
                   text=string(e, "text", where) if "text" in e else None, json=e.get("json"),
                   proto=e.get("proto"), bucket=string(e, "bucket", where, default=""),
                   trace=string(e, "trace", where, default=""), repeat=repeat,
                   every=parse_offset(e.get("every", "1m"), f"{where} every", relative=False))


def _alert(i: int, e: Any, project: str) -> AlertPolicySpec:
    where = f"[[alert_policy]] #{i}"
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    only(e, {"name", "project", "filter", "comparison", "threshold", "duration", "enabled", "documentation",
              "severity"}, where)
    comparisons = ("COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE", "COMPARISON_EQ", "COMPARISON_NE")
    enabled = e.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ScenarioError(f"{where} enabled: must be true or false")
    return AlertPolicySpec(index=i, project=string(e, "project", where, default=project),
                           display_name=string(e, "name", where), filter=string(e, "filter", where),
                           comparison=choice(e, "comparison", comparisons, where, "COMPARISON_GT"),
                           threshold=number(e.get("threshold", 0), f"{where} threshold"),
                           duration=parse_offset(e["duration"], f"{where} duration", relative=False)
                           if "duration" in e else 0.0,
                           enabled=enabled, documentation=string(e, "documentation", where, default=""),
                           severity=choice(e, "severity", ("CRITICAL", "ERROR", "WARNING", "SEVERITY_UNSPECIFIED"),
                                            where, "SEVERITY_UNSPECIFIED"))


def parse_fault(e: Any, where: str = "fault") -> FaultSpec:
    """One [[fault]] table (also what the emulator's inject call is given)."""
    if not isinstance(e, dict):
        raise ScenarioError(f"{where}: must be a table")
    only(e, {"target", "kind", "ms", "times"}, where)
    kind = choice(e, "kind", FAULT_KINDS, where, None)
    ms = e.get("ms", 0)
    if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0 or (kind == "latency" and ms == 0):
        raise ScenarioError(f"{where} ms: a latency fault needs ms = a positive whole number of milliseconds")
    times = e.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ScenarioError(f"{where} times: must be a whole number >= 1 (or left out for every call)")
    return FaultSpec(target=string(e, "target", where, default="*"), kind=kind, ms=ms, times=times)
