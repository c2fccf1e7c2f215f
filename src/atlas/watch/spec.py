"""Where a running experiment's numbers are: the template's `[experiment_template.watch]`.

    [experiment_template.watch]
    component = "ranker-svc"                  # serving component (triage links the two)
    project = "nw-recs-serving-prod"
    resource_type = "prometheus_target"
    resource_labels = { cluster = "serving-prod", namespace = "recs", job = "ranker-svc" }
    experiment_label = "experiment"           # metric labels carrying the experiment key
    arm_label = "arm"                         # ... and the arm

    [experiment_template.watch.requests]      # per-arm request counter: SRM, exposure,
    metric_type = "prometheus.googleapis.com/ranker_experiment_requests_total/counter"
    code_label = "grpc_code"                  # ... the error guardrail
    ok_codes = ["OK"]
    error_param = "max_grpc_error_ratio"
    served_label = "model_alias"              # ... and the served-model proof
    alias_param = "alias"

    [experiment_template.watch.latency]       # per-arm latency histogram: p99 guardrail
    [experiment_template.watch.feature]       # freshness gauge of the feature it turns on

Parsed here into a `WatchSpec`; every mistake is one line naming the file, the template and
the field, in the form the template errors use. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from atlas import metrictable

_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
DEFAULT_MIN_SAMPLES = 1000
DEFAULT_SRM_P = 0.001  # the usual SRM alarm level (Fabijan et al., KDD 2019)
DEFAULT_GRACE = 7200  # "no exposures 2 h after merge" is a WARN
DEFAULT_PERIOD = 3600  # request counts are read in hourly buckets since the merge


@dataclass(frozen=True, slots=True)
class RequestsSpec:
    metric_type: str
    code_label: str = ""
    ok_codes: tuple[str, ...] = ("OK",)
    error_param: str = ""  # manifest parameter holding the error-ratio guardrail
    served_label: str = ""  # metric label naming the model alias that served the request
    alias_param: str = "alias"  # arm parameter holding the alias a treatment should serve
    max_fallback_ratio: float = 0.01  # share of a treatment's requests served by control's alias
    period: int = DEFAULT_PERIOD


@dataclass(frozen=True, slots=True)
class LatencySpec:
    metric_type: str
    param: str  # manifest parameter holding the p99 guardrail, in ms
    unit: str = "s"  # the histogram's unit (Prometheus histograms are in seconds)
    window: int = 3600  # the guardrail reads the last hour
    period: int = 300


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    metric_type: str
    feature_label: str
    param: str = "feature"  # manifest parameter naming the feature column
    max_age: int = 36 * 3600
    resource_labels: tuple[tuple[str, str], ...] = ()
    resource_type: str = ""
    window: int = 1800
    period: int = 300


@dataclass(frozen=True, slots=True)
class WatchSpec:
    template: str
    project: str
    resource_type: str
    resource_labels: tuple[tuple[str, str], ...]
    experiment_label: str
    arm_label: str
    requests: RequestsSpec
    latency: LatencySpec | None = None
    feature: FeatureSpec | None = None
    component: str = ""
    min_samples: int = DEFAULT_MIN_SAMPLES
    srm_p: float = DEFAULT_SRM_P
    exposure_grace: int = DEFAULT_GRACE
    source: Path | None = None
    metric_types: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        types = [self.requests.metric_type]
        types += [s.metric_type for s in (self.latency, self.feature) if s is not None]
        object.__setattr__(self, "metric_types", tuple(types))


class _Errors:
    def __init__(self, source: Path | None, template: str) -> None:
        self.head = f"{source}: " if source else ""
        self.template = template
        self.lines: list[str] = []

    def add(self, fld: str, message: str) -> None:
        self.lines.append(f"{self.head}experiment_template {self.template}: watch.{fld}: {message}")


def _text(raw: Mapping, key: str, fld: str, err: _Errors, *, required: bool = True, default: str = "") -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or (required and not value):
        err.add(f"{fld}{key}", "missing" if key not in raw else "must be text")
        return default
    return value


def _number(raw: Mapping, key: str, fld: str, err: _Errors, default: float, *, lo: float = 0.0,
            hi: float | None = None) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < lo or (hi is not None and value > hi):
        bound = f"from {lo:g} to {hi:g}" if hi is not None else f">= {lo:g}"
        err.add(f"{fld}{key}", f"must be a number {bound}")
        return default
    return value


def _labels(raw: Mapping, key: str, fld: str, err: _Errors) -> tuple[tuple[str, str], ...]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping) or not all(isinstance(v, str) and _LABEL.match(k) for k, v in value.items()):
        err.add(f"{fld}{key}", 'must be a table of label = "value", e.g. { job = "ranker-svc" }')
        return ()
    return tuple(sorted(value.items()))


def _metric(raw: Mapping, fld: str, err: _Errors, kinds: tuple[str, ...], labels: list[str]) -> str:
    """The metric type, checked against Google's table when atlas knows it: the kind the
    watch aligns it as, and the labels it groups by."""
    metric_type = _text(raw, "metric_type", fld, err)
    known = metrictable.lookup(metric_type) if metric_type else None
    if known is None:
        return metric_type
    if f"{known.kind} {known.value_type}" not in kinds:
        err.add(f"{fld}metric_type", f"{metric_type} is {known.kind} {known.value_type}; this check needs "
                                     f"{' or '.join(kinds)}")
    missing = [name for name in labels if name and known.labels and name not in known.labels]
    if missing:
        err.add(f"{fld}metric_type", f"{metric_type} has no label {', '.join(missing)} "
                                     f"(its labels: {', '.join(known.labels)})")
    return metric_type


def parse_watch(template_id: str, raw: Mapping[str, Any], source: Path | None = None
                ) -> tuple[WatchSpec | None, list[str]]:
    """A template's raw watch table -> (WatchSpec, []) or (None, error lines); an empty
    table is (None, []): the template declares no watch."""
    if not raw:
        return None, []
    err = _Errors(source, template_id)
    project = _text(raw, "project", "", err)
    resource_type = _text(raw, "resource_type", "", err, required=False)
    resource_labels = _labels(raw, "resource_labels", "", err)
    exp_label = _text(raw, "experiment_label", "", err, default="experiment")
    arm_label = _text(raw, "arm_label", "", err, default="arm")
    component = _text(raw, "component", "", err, required=False)
    for key, value in (("experiment_label", exp_label), ("arm_label", arm_label)):
        if value and not _LABEL.match(value):
            err.add(key, f"{value!r} is not a label name")

    rq = raw.get("requests")
    requests = None
    if not isinstance(rq, Mapping):
        err.add("requests", "missing: the per-arm request counter ([experiment_template.watch.requests])")
    else:
        code = _text(rq, "code_label", "requests.", err, required=False)
        served = _text(rq, "served_label", "requests.", err, required=False)
        metric = _metric(rq, "requests.", err, ("CUMULATIVE DOUBLE", "CUMULATIVE INT64", "DELTA INT64", "DELTA DOUBLE"),
                         [exp_label, arm_label, code, served])
        ok_codes = rq.get("ok_codes", ["OK"])
        if not isinstance(ok_codes, list) or not all(isinstance(c, str) for c in ok_codes):
            err.add("requests.ok_codes", 'must be a list of codes, e.g. ["OK"]')
            ok_codes = ["OK"]
        requests = RequestsSpec(
            metric_type=metric, code_label=code, ok_codes=tuple(ok_codes),
            error_param=_text(rq, "error_param", "requests.", err, required=False),
            served_label=served, alias_param=_text(rq, "alias_param", "requests.", err, required=False, default="alias"),
            max_fallback_ratio=float(_number(rq, "max_fallback_ratio", "requests.", err, 0.01, hi=1.0)),
            period=_period(rq, "requests.", err, DEFAULT_PERIOD))

    latency = None
    if isinstance(lt := raw.get("latency"), Mapping):
        latency = LatencySpec(
            metric_type=_metric(lt, "latency.", err, ("CUMULATIVE DISTRIBUTION", "DELTA DISTRIBUTION"),
                                [exp_label, arm_label]),
            param=_text(lt, "param", "latency.", err),
            unit=_choice(lt, "unit", ("s", "ms"), "latency.", err, "s"),
            window=_period(lt, "latency.", err, 3600, key="window"),
            period=_period(lt, "latency.", err, 300))
    elif lt is not None:
        err.add("latency", "must be a table")

    feature = None
    if isinstance(ft := raw.get("feature"), Mapping):
        label = _text(ft, "feature_label", "feature.", err, default="feature")
        feature = FeatureSpec(
            metric_type=_metric(ft, "feature.", err, ("GAUGE DOUBLE", "GAUGE INT64"), [label]),
            feature_label=label, param=_text(ft, "param", "feature.", err, required=False, default="feature"),
            max_age=int(_number(ft, "max_age", "feature.", err, 36 * 3600, lo=60)),
            resource_labels=_labels(ft, "resource_labels", "feature.", err) or resource_labels,
            resource_type=_text(ft, "resource_type", "feature.", err, required=False, default=resource_type),
            window=_period(ft, "feature.", err, 1800, key="window"),
            period=_period(ft, "feature.", err, 300))
    elif ft is not None:
        err.add("feature", "must be a table")

    min_samples = int(_number(raw, "min_samples", "", err, DEFAULT_MIN_SAMPLES, lo=10))
    srm_p = float(_number(raw, "srm_p", "", err, DEFAULT_SRM_P, lo=1e-12, hi=0.5))
    grace = int(_number(raw, "exposure_grace", "", err, DEFAULT_GRACE, lo=60))
    if err.lines or requests is None:
        return None, err.lines
    return WatchSpec(
        template=template_id, project=project, resource_type=resource_type, resource_labels=resource_labels,
        experiment_label=exp_label, arm_label=arm_label, requests=requests, latency=latency, feature=feature,
        component=component,
        min_samples=min_samples, srm_p=srm_p, exposure_grace=grace, source=source), []


def _choice(raw: Mapping, key: str, choices: tuple[str, ...], fld: str, err: _Errors, default: str) -> str:
    value = raw.get(key, default)
    if value not in choices:
        err.add(f"{fld}{key}", f"must be one of {', '.join(choices)}")
        return default
    return value


def _period(raw: Mapping, fld: str, err: _Errors, default: int, *, key: str = "period") -> int:
    """Seconds, a whole number of minutes (Cloud Monitoring's alignment periods are)."""
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 60 or value % 60:
        err.add(f"{fld}{key}", "must be whole minutes in seconds (60, 300, 3600...)")
        return default
    return value
