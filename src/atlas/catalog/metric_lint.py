"""Lint rules from the metric table: a signal template Google would refuse is an error, a
template that would read the wrong thing is a warning. Called from `atlas.catalog.lint`.

Errors: an aligner or reducer name Cloud Monitoring does not have; an aligner or reducer
that does not fit the metric's kind and value type (the API answers INVALID_ARGUMENT).
Warnings: ALIGN_MEAN over a DELTA (an average of per-sample amounts, not a rate); a window
shorter than the metric's ingestion delay (the newest points are never there yet); an
alignment period shorter than the metric's sample period (periods without a sample are empty,
or interpolated); a stale horizon a healthy series outlives between two samples; a fixed
metric label the metric does not have (the filter matches nothing).
"""

from __future__ import annotations

from collections.abc import Iterable

from atlas.catalog.model import Catalog
from atlas.catalog.problems import Problem
from atlas import metrictable as metrics

_AGG_FIELDS = ("aligner", "reducer", "alignment_period", "window", "stale_after", "metric_type", "metric_labels")
_INTERPOLATING = ("ALIGN_DELTA", "ALIGN_RATE")  # over DELTA/CUMULATIVE: empty periods are interpolated


def check(catalog: Catalog) -> list[Problem]:
    out: list[Problem] = []
    for signal in sorted(catalog.signals.values(), key=lambda s: s.id):
        if not signal.metric_type:
            continue
        values = {f: getattr(signal, f) for f in _AGG_FIELDS}
        out += _check(values, signal.source, f"signal {signal.id}", "")
    for comp in sorted(catalog.components.values(), key=lambda c: (str(c.source), c.id)):
        for sid, override in sorted(comp.signal_overrides.items()):
            base = catalog.signals.get(sid)
            if base is None or not isinstance(override, dict) or not base.metric_type:
                continue
            if not any(k in override for k in _AGG_FIELDS):
                continue
            values = {f: override.get(f, getattr(base, f)) for f in _AGG_FIELDS}
            changed = {k for k in _AGG_FIELDS if k in override}
            found = _check(values, comp.source, f"component {comp.id}", f"signal_overrides.{sid}.")
            out += [p for p in found if p.field.rsplit(".", 1)[-1] in changed]
    return out


def _check(v: dict, source, entity: str, prefix: str) -> Iterable[Problem]:
    aligner, reducer = str(v["aligner"]), str(v["reducer"])
    if aligner not in metrics.ALIGNERS:
        yield Problem("error", "unknown-aligner", f"{aligner} is not a Cloud Monitoring aligner", source, entity,
                      prefix + "aligner", _close(aligner, metrics.ALIGNERS))
    if reducer not in metrics.REDUCERS:
        yield Problem("error", "unknown-reducer", f"{reducer} is not a Cloud Monitoring reducer", source, entity,
                      prefix + "reducer", _close(reducer, metrics.REDUCERS))
    if aligner not in metrics.ALIGNERS or reducer not in metrics.REDUCERS:
        return
    metric = metrics.lookup(str(v["metric_type"]))
    if metric is None:  # a custom or OpenTelemetry metric: `atlas lint --online` can check it
        return
    where, why = metrics.aggregation_problem(metric, aligner, reducer)
    if why:
        yield Problem("error", "aggregation-mismatch", why, source, entity, prefix + where,
                      "Cloud Monitoring answers INVALID_ARGUMENT to this query")
    if aligner == "ALIGN_MEAN" and metric.kind == "DELTA":
        yield Problem("warning", "mean-over-delta",
                      f"ALIGN_MEAN over DELTA {metric.type} averages the amounts per sample "
                      f"({metric.unit or 'count'} per {metric.sample_period} s), not a rate", source, entity,
                      prefix + "aligner", "use ALIGN_RATE (per second) or ALIGN_DELTA (per alignment period)")
    window = int(v["window"] or 0)
    if metric.ingest_delay and window <= metric.ingest_delay:
        yield Problem("warning", "window-inside-delay",
                      f"window {window} s is not longer than the {metric.ingest_delay} s Google may take to show "
                      f"points of {metric.type}: the newest points are not there yet", source, entity,
                      prefix + "window", f"read a window longer than {metric.ingest_delay} s, or a signal "
                                         "that sees the event sooner")
    yield from _sampling(v, metric, aligner, source, entity, prefix)
    labels = v["metric_labels"] or {}
    for key in sorted(labels):
        if metric.labels and key not in metric.labels:
            yield Problem("warning", "unknown-metric-label",
                          f"{metric.type} has no metric label {key!r} (it has {', '.join(metric.labels)})",
                          source, entity, f"{prefix}metric_labels.{key}", "the filter would match no series")


def _sampling(v: dict, metric: metrics.Metric, aligner: str, source, entity: str, prefix: str) -> Iterable[Problem]:
    """Google writes a point every sample period ("Sampled every 300 seconds"), visible after
    the ingestion delay: the newest point can be up to period + delay old on a healthy series."""
    sample, newest = metric.sample_period, metric.sample_period + metric.ingest_delay
    period = int(v["alignment_period"] or 0)
    if 0 < period < sample:
        if aligner in _INTERPOLATING and metric.kind != "GAUGE":
            effect = "Google interpolates the periods between samples, so most aligned values are estimates"
        else:
            effect = "most aligned periods have no point"
        yield Problem("warning", "alignment-below-sample-period",
                      f"alignment_period {period} s is shorter than the {sample} s between points of "
                      f"{metric.type}: {effect}", source, entity, prefix + "alignment_period",
                      f"align at {sample} s (or a multiple of it)")
    stale_after = v["stale_after"]
    horizon = int(stale_after) if stale_after is not None else 2 * int(v["window"] or 0)
    if horizon and horizon <= newest:
        what = f"stale_after {horizon} s" if stale_after is not None else f"2 x window = {horizon} s (the stale horizon)"
        yield Problem("warning", "stale-inside-sample-period",
                      f"{what} is not longer than the {sample} s between points of {metric.type} plus the "
                      f"{metric.ingest_delay} s Google may take to show one: a healthy series reads STALE "
                      "between samples", source, entity, prefix + ("stale_after" if stale_after is not None else "window"),
                      f"set stale_after (or window) so the horizon exceeds {newest} s")


def _close(name: str, names: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"did you mean {match[0]}?" if match else ""


def check_online(catalog: Catalog, descriptors_of) -> list[Problem]:
    """`atlas lint --online`: each metric template against ListMetricDescriptors of the projects
    its components live in. `descriptors_of(project)` -> {metric type: (kind, value type)} or
    raises with a readable message."""
    out: list[Problem] = []
    by_project: dict[str, dict] = {}
    failed: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for comp in sorted(catalog.components.values(), key=lambda c: c.id):
        project = comp.project or catalog.default_project
        for signal in catalog.signals_for(comp):
            if not signal.metric_type or "{" in signal.metric_type or (signal.id, project) in seen or not project:
                continue
            seen.add((signal.id, project))
            if project not in by_project and project not in failed:
                try:
                    by_project[project] = descriptors_of(project)
                except Exception as exc:  # noqa: BLE001 - one line per project, never a traceback
                    failed[project] = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
                    out.append(Problem("warning", "online-unavailable",
                                       f"cannot list metric descriptors of {project}: {failed[project]}",
                                       None, f"project {project}", ""))
            known = by_project.get(project)
            if known is None:
                continue
            found = known.get(signal.metric_type)
            entity = f"signal {signal.id}"
            if found is None:
                out.append(Problem("error", "metric-not-in-project",
                                   f"{signal.metric_type} has no descriptor in project {project} "
                                   f"(used by component {comp.id})", signal.source, entity, "metric_type"))
                continue
            live = metrics.Metric(signal.metric_type, found[0], found[1], "", 60, 0, (), ())
            where, why = metrics.aggregation_problem(live, signal.aligner, signal.reducer)
            if why:
                out.append(Problem("error", "aggregation-mismatch", f"{why} (as {project} describes it)",
                                   signal.source, entity, where))
    return out
