"""Watch tests: small catalogs (the sample ranker template, manifests written here) and
scenarios built in code, served by the GCP emulator on a frozen clock; the watch reaches it
through the real Cloud Monitoring client over loopback."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from atlas.emulators.gcp.emulator import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TEMPLATES = ROOT / "catalog" / "experiment-templates.toml"
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.timezone.utc).timestamp()
HOUR = 3600
REQ = "prometheus.googleapis.com/ranker_experiment_requests_total/counter"
LAT = "prometheus.googleapis.com/ranker_experiment_handling_seconds/histogram"
AGE = "prometheus.googleapis.com/feature_fetcher_feature_age_seconds/gauge"
RANKER = {"cluster": "serving-prod", "namespace": "recs", "job": "ranker-svc", "location": "us-central1",
          "instance": "ranker-svc:9090"}
FETCHER = {**RANKER, "job": "feature-fetcher", "instance": "feature-fetcher:9090"}


def iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest_text(eid: str, *, merged_hours_ago: float | None = 48, state: str = "merged", feature: str = "",
                  weights: tuple[float, float] = (0.5, 0.5), max_p99: int = 200, max_err: float = 0.01,
                  alias: str = "") -> str:
    merged = f"merged_at = {iso(NOW - merged_hours_ago * HOUR)}\n" if merged_hours_ago is not None else ""
    alias = alias or f"exp-{eid}"
    feature_set = f"base_v12+{feature}" if feature else "base_v12"
    return f'''# {eid}: written by the watch tests; this comment must survive a recorded watch.
id = "{eid}"
template = "ranker"
state = "{state}"
{merged}hypothesis = "h"
owner = "ranking-science"
coverage = 0.1

[params]
feature = "{feature}"
seed = 7
max_grpc_error_ratio = {max_err}
max_p99_latency_ms = {max_p99}

[[arm]]
name = "control"
weight = {weights[0]}
control = true

[[arm]]
name = "treatment"
weight = {weights[1]}

[arm.params]
variant = "v-{eid}"
alias = "{alias}"
feature_set = "{feature_set}"
'''


def write_catalog(tmp_path: Path, manifests: dict[str, str], templates: str | None = None) -> Path:
    cat = tmp_path / "catalog"
    (cat / "experiments").mkdir(parents=True)
    (cat / "atlas.toml").write_text('[atlas]\nname = "watch-test"\n')
    (cat / "projects.toml").write_text("".join(
        f'[[repo]]\nid = "{r}"\ngithub = "nw-recs/{r}"\ndefault_branch = "main"\n\n'
        for r in ("data-pipelines", "training", "serving")))
    (cat / "teams.toml").write_text('[[team]]\nid = "ranking-science"\nname = "Ranking science"\n')
    (cat / "experiment-templates.toml").write_text(templates or SAMPLE_TEMPLATES.read_text())
    for eid, text in manifests.items():
        (cat / "experiments" / f"{eid}.toml").write_text(text)
    return cat


def traffic(eid: str, arm: str, per_minute: float, *, alias: str = "", code: str = "OK", hours: float = 47,
            noise: float = 0.0, seed: int = 1, stopped_hours_ago: float | None = None) -> dict:
    """One arm's request counter (CUMULATIVE DOUBLE), per-minute increments for `hours`."""
    series = {"metric_type": REQ, "resource_type": "prometheus_target", "project": "nw-recs-serving-prod",
              "resource_labels": RANKER,
              "metric_labels": {"experiment": eid, "arm": arm, "grpc_code": code,
                                "model_alias": alias or ("control" if arm == "control" else f"exp-{eid}"),
                                "grpc_service": "nw.recs.v1.RankerService", "grpc_method": "Rank"},
              "constant": per_minute, "history": f"-{int(hours * 60)}m"}
    if noise:
        series["noise"] = {"amplitude": noise, "seed": seed}
    if stopped_hours_ago is not None:  # no requests with these labels since then
        series["gap"] = {"from": f"-{int(stopped_hours_ago * 60) - 1}m"}
    return series


def latency(eid: str, arm: str, p99_seconds: float) -> dict:
    return {"metric_type": LAT, "resource_type": "prometheus_target", "project": "nw-recs-serving-prod",
            "resource_labels": RANKER, "metric_labels": {"experiment": eid, "arm": arm}, "unit": "s",
            "constant": p99_seconds, "history": "-90m"}


def feature_age(feature: str, seconds: float) -> dict:
    return {"metric_type": AGE, "resource_type": "prometheus_target", "project": "nw-recs-serving-prod",
            "resource_labels": FETCHER, "metric_labels": {"feature": feature}, "unit": "s", "constant": seconds}


def scenario(*series: dict, faults: list | None = None) -> dict:
    data = {"scenario": {"name": "watch", "project": "nw-recs-serving-prod"}, "series": list(series)}
    if faults:
        data["fault"] = faults
    return data


@pytest.fixture
def serve():
    """serve(scenario dict) -> a running emulator on the frozen clock (stopped after the test)."""
    running = []

    def start(data: dict) -> GcpEmulator:
        emu = GcpEmulator(scenario_from_dict(data), now=lambda: NOW)
        emu.start()
        running.append(emu)
        return emu

    yield start
    for emu in running:
        emu.stop()


def run_watch(emu: GcpEmulator, catalog: Path, only: str | None = None):
    """The watch through the real client to the emulator, as the CLI runs it."""
    from atlas.watch.service import watch
    from atlas.experiments.workspace import ExperimentWorkspace
    from atlas.health.clients import make_clients

    clients = make_clients({"MONITORING_EMULATOR_HOST": f"127.0.0.1:{emu.port}"}, logging=False)
    try:
        return watch(ExperimentWorkspace.load(catalog), clients, now=lambda: NOW, only=only)
    finally:
        clients.close()


def check(result, name: str):
    return next(c for c in result.checks if c.name == name)
