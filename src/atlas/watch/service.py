"""`watch`: every running experiment (or one), its numbers read in one call per distinct
metric, judged per experiment. Blocking (the TUI calls it from a worker; the CLI directly).

The running experiments come from the workspace's manifests; where their numbers are comes
from each template's `[experiment_template.watch]`. Queries run concurrently on the health
service's clients (the same channel, retry and timeout). A failed query turns the checks it
feeds into ERROR and adds one line to `report.errors`; nothing raises for a remote failure.
"""

from __future__ import annotations

import datetime
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from atlas.experiments.manifest import STATES, Manifest
from atlas.experiments.template import Template
from atlas.watch.evaluate import ArmPlan, watch_experiment
from atlas.watch.fetch import QueryResult, run_query
from atlas.watch.model import WatchReport
from atlas.watch.plan import WatchQuery, WatchTarget, plan_watch
from atlas.watch.spec import WatchSpec, parse_watch

# A set whose pull requests all merged is live: users are being assigned to its arms.
RUNNING_STATES = tuple(s for s in ("running", "merged") if s in STATES)


def manifest_extras(manifest: Manifest) -> dict[str, Any]:
    """Fields the watch reads that the manifest model does not carry (merged_at), straight
    from the file."""
    if manifest.path is None:
        return {}
    try:
        return tomllib.loads(Path(manifest.path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def epoch(value: Any) -> float | None:
    """A TOML datetime or an ISO 8601 string -> epoch seconds (naive means UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return None


def arm_plans(manifest: Manifest, template: Template, spec: WatchSpec) -> list[ArmPlan]:
    control_alias = str(template.control.get("alias", ""))
    return [ArmPlan(a.name, a.weight, a.control,
                    control_alias if a.control else str(a.params.get(spec.requests.alias_param, "")))
            for a in manifest.arms]


def target_of(manifest: Manifest, spec: WatchSpec) -> WatchTarget:
    extras = manifest_extras(manifest)
    feature = ""
    if spec.feature is not None:
        feature = str(manifest.params.get(spec.feature.param, "") or "")
    return WatchTarget(manifest.id, spec, epoch(extras.get("merged_at")), feature)


def running(workspace, only: str | None = None) -> tuple[list[tuple[Manifest, Template, WatchSpec]], list[str]]:
    """(manifest, template, watch spec) of each running experiment, and one line for each
    that cannot be watched (a broken manifest, a template without a watch)."""
    manifests, bad = workspace.manifests()
    skipped = list(bad) if only is None else []
    specs: dict[str, tuple[WatchSpec | None, list[str]]] = {}
    out = []
    for m in manifests:
        if only is not None and m.id != only:
            continue
        if m.state not in RUNNING_STATES:
            continue
        template = workspace.templates[m.template]
        if template.id not in specs:
            specs[template.id] = parse_watch(template.id, template.watch, template.source)
        spec, errors = specs[template.id]
        if spec is None:
            skipped.extend(errors or [f"{m.id}: template {template.id} declares no [experiment_template.watch]: "
                                      "nothing says where its numbers are"])
            continue
        out.append((m, template, spec))
    return out, sorted(set(skipped))


def watch(workspace, clients, *, now: Callable[[], float] = time.time, only: str | None = None,
          max_concurrency: int = 16) -> WatchReport:
    """Watch every running experiment (or `only` that one). `clients` is the health
    service's `Clients` (monitoring, retry, timeout), or a function returning them: called
    only when there is something to ask (no running experiment, no client built)."""
    from atlas.experiments.errors import ExperimentError
    from atlas.health.clients import describe_error

    started = time.perf_counter()
    if only is not None:
        manifest = workspace.load_manifest(only)  # ManifestError with every problem, or the manifest
        if manifest.state not in RUNNING_STATES:
            raise ExperimentError(f"{only} is {manifest.state}, not running: the watch reads running experiments "
                                  f"({', '.join(RUNNING_STATES)})")
    found, skipped = running(workspace, only)
    if only is not None and not found and skipped:
        raise ExperimentError(skipped[0])
    t_now = now()
    targets = [(m, t, target_of(m, spec)) for m, t, spec in found]
    queries = plan_watch([tg for _, _, tg in targets], t_now)
    report = WatchReport(taken_at=t_now, queries=len(queries), skipped=skipped,
                         metrics=len({q.key.metric_type for q in queries}))
    answers: dict[tuple[str, str], QueryResult | str] = {}
    if queries and callable(clients):
        clients = clients()

    def run(query: WatchQuery) -> tuple[WatchQuery, QueryResult | str, int]:
        if getattr(clients, "monitoring", None) is None:
            return query, getattr(clients, "monitoring_problem", "") or "no Cloud Monitoring client", 0
        try:
            res = run_query(clients.monitoring, query, t_now, retry=clients.retry, timeout=clients.timeout)
            return query, res, res.calls
        except Exception as exc:  # noqa: BLE001 - every remote failure becomes ERROR checks
            return query, describe_error(exc, project=query.key.project, target=clients.monitoring_target,
                                         timeout=clients.timeout), 1

    if queries:
        with ThreadPoolExecutor(max_workers=min(max_concurrency, len(queries)), thread_name_prefix="atlas-watch") as pool:
            for query, answer, calls in pool.map(run, queries):
                report.calls += calls
                if isinstance(answer, str):
                    report.errors.append(f"Cloud Monitoring {query.key.metric_type} in {query.key.project}: {answer} "
                                         f"({len(query.values)} experiment{'s' if len(query.values) != 1 else ''})")
                for value in query.values:
                    answers[(query.key.role, value)] = answer
    for manifest, template, target in targets:
        results = {"requests": answers.get(("requests", target.experiment)),
                   "latency": answers.get(("latency", target.experiment)),
                   "feature": answers.get(("feature", target.feature))}
        report.experiments.append(watch_experiment(
            target, arm_plans(manifest, template, target.spec), manifest.params, results, t_now,
            control_alias=str(template.control.get("alias", "")), owner=manifest.owner))
    report.errors.sort()
    report.duration = time.perf_counter() - started
    return report
