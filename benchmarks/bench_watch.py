"""Experiment watch at scale: 50 running experiments (two arms each) on one serving
service, watched through the real Cloud Monitoring client against the loopback emulator.

Figures:
- ListTimeSeries calls of one watch (goal: the number of distinct metrics, here 3: the
  request counter, the latency histogram, the feature-age gauge), against a naive loop
  that asks per experiment and arm (50 x 2 x 3 = 300 calls);
- wall time of one watch, best of R, with the emulator answering at once and with 250 ms
  a call (a remote API's latency), next to the naive loop at 250 ms in the same run;
- the 2,048-character filter limit: queries for 500 experiments (split, never longer).
"""

from __future__ import annotations

import datetime
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N = 50
LATENCY_MS = 250
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.timezone.utc).timestamp()
REQ = "prometheus.googleapis.com/ranker_experiment_requests_total/counter"
LAT = "prometheus.googleapis.com/ranker_experiment_handling_seconds/histogram"
AGE = "prometheus.googleapis.com/feature_fetcher_feature_age_seconds/gauge"
RANKER = {"cluster": "serving-prod", "namespace": "recs", "job": "ranker-svc"}


def _manifest(eid: str) -> str:
    merged = datetime.datetime.fromtimestamp(NOW - 12 * 3600, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'id = "{eid}"\ntemplate = "ranker"\nstate = "merged"\nmerged_at = {merged}\nowner = "ranking-science"\n'
            'coverage = 0.1\n[params]\nfeature = "item_age_hours"\nseed = 7\n\n[[arm]]\nname = "control"\nweight = 0.5\n'
            f'control = true\n\n[[arm]]\nname = "treatment"\nweight = 0.5\n[arm.params]\nvariant = "v-{eid}"\n'
            f'alias = "exp-{eid}"\nfeature_set = "base_v12+item_age_hours"\n')


def _catalog(tmp: Path, ids: list[str]) -> Path:
    cat = tmp / "catalog"
    (cat / "experiments").mkdir(parents=True)
    (cat / "atlas.toml").write_text('[atlas]\nname = "watch-bench"\n')
    (cat / "projects.toml").write_text("".join(f'[[repo]]\nid = "{r}"\ngithub = "nw-recs/{r}"\n\n'
                                               for r in ("data-pipelines", "training", "serving")))
    (cat / "experiment-templates.toml").write_text((ROOT / "catalog" / "experiment-templates.toml").read_text())
    for eid in ids:
        (cat / "experiments" / f"{eid}.toml").write_text(_manifest(eid))
    return cat


def _scenario(ids: list[str], faults: list[dict]) -> dict:
    series = []
    for eid in ids:
        for arm, alias in (("control", "control"), ("treatment", f"exp-{eid}")):
            labels = {"experiment": eid, "arm": arm, "model_alias": alias, "grpc_code": "OK"}
            series.append({"metric_type": REQ, "resource_type": "prometheus_target", "project": "nw-recs-serving-prod",
                           "resource_labels": RANKER, "metric_labels": labels, "constant": 100, "history": "-600m"})
            series.append({"metric_type": LAT, "resource_type": "prometheus_target", "project": "nw-recs-serving-prod",
                           "resource_labels": RANKER, "metric_labels": {"experiment": eid, "arm": arm}, "unit": "s",
                           "constant": 0.1, "history": "-70m"})
    series.append({"metric_type": AGE, "resource_type": "prometheus_target", "project": "nw-recs-serving-prod",
                   "resource_labels": {**RANKER, "job": "feature-fetcher"}, "metric_labels": {"feature": "item_age_hours"},
                   "constant": 3600})
    return {"scenario": {"name": "watch-bench", "project": "nw-recs-serving-prod"}, "series": series, "fault": faults}


def _naive(clients, queries) -> int:
    """One request per (experiment, arm, metric): the loop without the planner."""
    from dataclasses import replace

    from atlas.watch.fetch import run_query
    from atlas.watch.plan import WatchQuery

    single = []
    for q in queries:
        for value in q.values:
            for _arm in ("control", "treatment") if q.key.role != "feature" else ("-",):
                single.append(WatchQuery(replace(q.key), [value], q.lookback))
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda q: run_query(clients.monitoring, q, NOW, retry=clients.retry, timeout=30), single))
    return len(single)


def run(ctx) -> None:
    from atlas.emulators.gcp.emulator import GcpEmulator
    from atlas.emulators.scenario import scenario_from_dict
    from atlas.experiments.workspace import ExperimentWorkspace
    from atlas.health.clients import make_clients
    from atlas.watch.plan import MAX_FILTER, WatchTarget, plan_watch
    from atlas.watch.service import running, target_of, watch

    ids = [f"exp-ranker-{i:03d}" for i in range(N)]
    with tempfile.TemporaryDirectory(dir=ctx.workdir) as tmp:
        ws = ExperimentWorkspace.load(_catalog(Path(tmp), ids))
        for label, faults in (("", []), (f", {LATENCY_MS} ms per call",
                                         [{"target": "monitoring", "kind": "latency", "ms": LATENCY_MS}])):
            with GcpEmulator(scenario_from_dict(_scenario(ids, faults)), now=lambda: NOW) as emu:
                clients = make_clients({"MONITORING_EMULATOR_HOST": f"127.0.0.1:{emu.port}"}, logging=False,
                                       timeout=30)
                watch(ws, clients, now=lambda: NOW)  # warm-up: imports, channel
                before = emu.calls["ListTimeSeries"]
                report = watch(ws, clients, now=lambda: NOW)
                calls = emu.calls["ListTimeSeries"] - before
                times = ctx.timeit(lambda: watch(ws, clients, now=lambda: NOW), ctx.repeat)
                if not label:
                    ctx.figure(f"ListTimeSeries calls per watch of {N} experiments", calls, "calls",
                               floor=report.metrics, max_ratio=1.0,
                               note=f"floor: {report.metrics} distinct metrics; {len(report.experiments)} experiments "
                                    "watched")
                    ctx.figure(f"watch of {N} experiments wall time", min(times), "s", max_value=2.0,
                               note=f"best of {len(times)}; the emulator's aggregation of 200 series is most of it")
                else:
                    started = time.perf_counter()
                    found, _ = running(ws)
                    queries = plan_watch([target_of(m, spec) for m, _, spec in found], NOW)
                    naive_calls = _naive(clients, queries)
                    naive_s = time.perf_counter() - started
                    ctx.figure(f"watch of {N} experiments wall time{label}", min(times), "s", max_value=2.0,
                               note=f"{calls} calls in flight together")
                    ctx.figure(f"naive per-arm loop{label}", naive_s, "s", floor=min(times),
                               note=f"{naive_calls} calls, 16 in flight; the watch is {naive_s / min(times):.0f}x faster")
                clients.close()
        # the 2,048-character limit: 500 experiments' ids do not fit one one_of()
        spec = next(iter(running(ws)[0]))[2]
        many = [WatchTarget(f"exp-ranker-long-name-{i:04d}", spec, NOW - 3600, "item_age_hours") for i in range(500)]
        queries = plan_watch(many, NOW)
        ctx.figure("queries for 500 experiments (filters split under 2,048 characters)", len(queries), "calls",
                   note=f"longest filter {max(len(q.filter) for q in queries):,} of {MAX_FILTER:,} characters")
