"""The metric table (metrics.toml) and Cloud Monitoring's aggregation rules. Pure: no I/O
beyond reading the packaged table, and no other atlas import: the health core (lint,
absence, ingestion delay) and the GCP emulator (what it refuses, ListMetricDescriptors)
read the same facts without knowing each other.

Which aligner fits which metric kind and value type is Google's Aggregation reference
(https://cloud.google.com/monitoring/api/ref_v3/rpc/google.monitoring.v3#aggregation):
each aligner and reducer says "valid for ... metrics with ... values". Lint uses these rules
to report a template Google would refuse; the emulator uses the same ones to refuse it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

KINDS = ("GAUGE", "DELTA", "CUMULATIVE")
VALUE_TYPES = ("BOOL", "INT64", "DOUBLE", "DISTRIBUTION")
NUMERIC = frozenset({"INT64", "DOUBLE"})

ALIGNERS = ("ALIGN_NONE", "ALIGN_DELTA", "ALIGN_RATE", "ALIGN_INTERPOLATE", "ALIGN_NEXT_OLDER", "ALIGN_MIN",
            "ALIGN_MAX", "ALIGN_MEAN", "ALIGN_COUNT", "ALIGN_SUM", "ALIGN_STDDEV", "ALIGN_COUNT_TRUE",
            "ALIGN_COUNT_FALSE", "ALIGN_FRACTION_TRUE", "ALIGN_PERCENTILE_99", "ALIGN_PERCENTILE_95",
            "ALIGN_PERCENTILE_50", "ALIGN_PERCENTILE_05", "ALIGN_PERCENT_CHANGE")
REDUCERS = ("REDUCE_NONE", "REDUCE_MEAN", "REDUCE_MIN", "REDUCE_MAX", "REDUCE_SUM", "REDUCE_STDDEV",
            "REDUCE_COUNT", "REDUCE_COUNT_TRUE", "REDUCE_COUNT_FALSE", "REDUCE_FRACTION_TRUE",
            "REDUCE_PERCENTILE_99", "REDUCE_PERCENTILE_95", "REDUCE_PERCENTILE_50", "REDUCE_PERCENTILE_05")

_PERCENTILES = ("99", "95", "50", "05")
_GD = frozenset({"GAUGE", "DELTA"})
_GAUGE = frozenset({"GAUGE"})
_COUNTERS = frozenset({"DELTA", "CUMULATIVE"})
_ALL_TYPES = frozenset(VALUE_TYPES)

# aligner -> (metric kinds, value types) it is valid for, per the Aggregation reference
ALIGNER_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "ALIGN_DELTA": (_COUNTERS, NUMERIC | {"DISTRIBUTION"}),
    "ALIGN_RATE": (_COUNTERS, NUMERIC),
    "ALIGN_INTERPOLATE": (_GAUGE, NUMERIC),
    "ALIGN_NEXT_OLDER": (_GAUGE, _ALL_TYPES),
    "ALIGN_MIN": (_GD, NUMERIC),
    "ALIGN_MAX": (_GD, NUMERIC),
    "ALIGN_MEAN": (_GD, NUMERIC),
    "ALIGN_COUNT": (_GD, NUMERIC | {"BOOL"}),
    "ALIGN_SUM": (_GD, NUMERIC | {"DISTRIBUTION"}),
    "ALIGN_STDDEV": (_GD, NUMERIC),
    # "valid for GAUGE metrics with Boolean values" (not DELTA, unlike ALIGN_COUNT)
    "ALIGN_COUNT_TRUE": (_GAUGE, frozenset({"BOOL"})),
    "ALIGN_COUNT_FALSE": (_GAUGE, frozenset({"BOOL"})),
    "ALIGN_FRACTION_TRUE": (_GAUGE, frozenset({"BOOL"})),
    "ALIGN_PERCENT_CHANGE": (_GD, NUMERIC),
    **{f"ALIGN_PERCENTILE_{p}": (_GD, frozenset({"DISTRIBUTION"})) for p in _PERCENTILES},
}

# reducer -> value types of the aligned series it is valid for (aligned series are GAUGE or DELTA)
REDUCER_RULES: dict[str, frozenset[str]] = {
    "REDUCE_MEAN": NUMERIC | {"DISTRIBUTION"},  # "numeric or distribution": a BOOL wants REDUCE_FRACTION_TRUE
    "REDUCE_MIN": NUMERIC,
    "REDUCE_MAX": NUMERIC,
    "REDUCE_SUM": NUMERIC | {"DISTRIBUTION"},
    "REDUCE_STDDEV": NUMERIC | {"DISTRIBUTION"},
    "REDUCE_COUNT": _ALL_TYPES,
    "REDUCE_COUNT_TRUE": frozenset({"BOOL"}),
    "REDUCE_COUNT_FALSE": frozenset({"BOOL"}),
    "REDUCE_FRACTION_TRUE": frozenset({"BOOL"}),
    **{f"REDUCE_PERCENTILE_{p}": NUMERIC | {"DISTRIBUTION"} for p in _PERCENTILES},
}


@dataclass(frozen=True, slots=True)
class Metric:
    type: str
    kind: str
    value_type: str
    unit: str
    sample_period: int
    ingest_delay: int
    resource_types: tuple[str, ...]
    labels: tuple[str, ...]


@functools.cache
def table() -> dict[str, Metric]:
    text = resources.files("atlas.metrictable").joinpath("metrics.toml").read_text(encoding="utf-8")
    out = {}
    for raw in tomllib.loads(text)["metric"]:
        out[raw["type"]] = Metric(raw["type"], raw["kind"], raw["value_type"], raw.get("unit", ""),
                                  int(raw["sample_period"]), int(raw["ingest_delay"]),
                                  tuple(raw.get("resource_types", ())), tuple(raw.get("labels", ())))
    return out


def lookup(metric_type: str) -> Metric | None:
    return table().get(metric_type)


def aligned(aligner: str, kind: str, value_type: str) -> tuple[str, str]:
    """(kind, value type) of a series after the aligner."""
    if aligner in ("ALIGN_NONE", "ALIGN_NEXT_OLDER", "ALIGN_MIN", "ALIGN_MAX"):
        return ("GAUGE" if aligner != "ALIGN_NONE" else kind), value_type
    if aligner == "ALIGN_DELTA":
        return "DELTA", value_type
    if aligner == "ALIGN_SUM":
        return ("DELTA" if kind == "DELTA" else "GAUGE"), value_type
    if aligner in ("ALIGN_COUNT", "ALIGN_COUNT_TRUE", "ALIGN_COUNT_FALSE"):
        return "GAUGE", "INT64"
    return "GAUGE", "DOUBLE"  # RATE, MEAN, STDDEV, FRACTION_TRUE, INTERPOLATE, PERCENT_CHANGE, PERCENTILE_*


def aligners_for(kind: str, value_type: str) -> list[str]:
    return [a for a, (kinds, types) in ALIGNER_RULES.items() if kind in kinds and value_type in types]


def suggested_aligners(metric: Metric) -> list[str]:
    """The aligners worth proposing for a metric (all valid ones would drown the useful two)."""
    if metric.value_type == "BOOL":
        return ["ALIGN_COUNT_TRUE", "ALIGN_FRACTION_TRUE"]
    if metric.value_type == "DISTRIBUTION":
        return ["ALIGN_DELTA"] if metric.kind != "GAUGE" else ["ALIGN_PERCENTILE_99", "ALIGN_SUM"]
    if metric.kind == "GAUGE":
        return ["ALIGN_MEAN", "ALIGN_MAX"]
    return ["ALIGN_RATE", "ALIGN_DELTA"]


def reducers_for(value_type: str) -> list[str]:
    return [r for r, types in REDUCER_RULES.items() if value_type in types]


def aggregation_problem(metric: Metric, aligner: str, reducer: str) -> tuple[str, str]:
    """("aligner" | "reducer", why Google refuses it), or ("", "") when it fits."""
    if aligner not in ALIGNERS:
        return "aligner", f"{aligner} is not a Cloud Monitoring aligner (one of {', '.join(ALIGNERS)})"
    if reducer not in REDUCERS:
        return "reducer", f"{reducer} is not a Cloud Monitoring reducer (one of {', '.join(REDUCERS)})"
    if aligner == "ALIGN_NONE":
        if reducer != "REDUCE_NONE":
            return "reducer", f"{reducer} needs a per-series aligner other than ALIGN_NONE"
        return "", ""
    kinds, types = ALIGNER_RULES[aligner]
    if metric.kind not in kinds or metric.value_type not in types:
        what = metric.value_type if metric.value_type not in types else metric.kind
        return "aligner", (f"{aligner} does not apply to {what} {metric.type}: "
                           f"use {_either(suggested_aligners(metric))}")
    if reducer == "REDUCE_NONE":
        return "", ""
    _, vtype = aligned(aligner, metric.kind, metric.value_type)
    if vtype not in REDUCER_RULES[reducer]:
        return "reducer", (f"{reducer} does not apply to {vtype} values ({aligner} of {metric.type}): "
                           f"use {_either(reducers_for(vtype))}")
    return "", ""


def _either(names: list[str]) -> str:
    if not names:
        return "no aligner (read it raw with ALIGN_NONE)"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
