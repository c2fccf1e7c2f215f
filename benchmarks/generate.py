"""Write a synthetic catalog of N components in the real catalog format, for benchmarks.

    python benchmarks/generate.py 10000 /tmp/big [--seed 7]

writes /tmp/big/catalog/ (atlas.toml, teams.toml, projects.toml, signals.toml and one
systems/<id>.toml of ~500 components per system) and /tmp/big/runbooks/ (a short runbook
for most components). The shape follows the product atlas is built for: each system is a
small nw-recs, data flowing topics -> subscriptions -> jobs and DAGs -> datasets ->
training pipelines -> models -> services, with fan-in, fan-out, a few hubs (a Composer
environment and a GKE cluster per system, a shared `events` dataset that later systems
read) and edges from earlier systems into later ones only, so the graph is a DAG. Every
component carries the labels its kind's signal templates need, so health planning covers
the whole catalog. Same N and seed, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_SIZE = 500

DOMAINS = (
    "clicks", "search", "catalog", "ads", "pricing", "inventory", "reviews", "payments",
    "email", "push", "fraud", "shipping", "returns", "loyalty", "support", "sellers",
    "media", "maps", "chat", "growth",
)
FIRST_NAMES = (
    "amara", "tomas", "lena", "ravi", "mei", "jonas", "sofia", "kwame", "ines", "yuki",
    "omar", "freya", "diego", "hana", "lucas", "zara", "elif", "noah", "priya", "matteo",
)
TEAM_FUNCTIONS = ("data-eng", "feature-eng", "ml-platform", "science", "serving")

# (kind, mode, share of a system). The order is the data-flow order inside a system: a
# component only ever depends on components generated before it.
MIX: tuple[tuple[str, str, float], ...] = (
    ("composer_environment", "", 0.002),
    ("gke_cluster", "", 0.004),
    ("gcs_bucket", "", 0.04),
    ("pubsub_topic", "", 0.08),
    ("pubsub_subscription", "", 0.10),
    ("pubsub_subscription", "dead_letter", 0.02),
    ("dataflow_job", "streaming", 0.10),
    ("dataflow_job", "batch", 0.05),
    ("composer_dag", "", 0.08),
    ("dataproc_job", "", 0.03),
    ("bigquery_dataset", "", 0.12),
    ("bigquery_scheduled_query", "", 0.08),
    ("feature_online_store", "", 0.006),
    ("feature_view", "", 0.03),
    ("kubeflow_pipeline", "", 0.015),
    ("kubeflow_recurring_run", "", 0.015),
    ("pipeline_component", "", 0.08),
    ("model", "", 0.02),
    ("redis_instance", "", 0.006),
    ("envoy_gateway", "", 0.004),
    ("grpc_service", "gke", 0.06),
    ("grpc_service", "cloud_run", 0.02),
    ("k8s_cronjob", "", 0.02),
)
TEAM_OF_KIND = {
    "composer_environment": 0, "gcs_bucket": 0, "pubsub_topic": 0, "pubsub_subscription": 0,
    "dataflow_job": 0, "composer_dag": 1, "dataproc_job": 1, "bigquery_dataset": 0,
    "bigquery_scheduled_query": 1, "feature_online_store": 1, "feature_view": 1,
    "gke_cluster": 2, "kubeflow_pipeline": 2, "kubeflow_recurring_run": 3,
    "pipeline_component": 2, "model": 3, "redis_instance": 4, "envoy_gateway": 4,
    "grpc_service": 4, "k8s_cronjob": 2,
}
PIPELINE_STEPS = ("example-gen", "statistics-gen", "data-validation", "transform", "trainer",
                  "evaluator", "infra-validator", "pusher")
STAGES = ("planned", "shadowing", "reverse-shadowing", "owned")
LEVELS = ("heard-of", "can-operate", "can-debug", "expert")


@dataclass
class Comp:
    id: str
    kind: str
    mode: str
    system: str
    owner: str
    deps: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    schedule: str = ""
    runbook: str = ""
    tier: int = 2
    handover: dict | None = None


def q(value: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML for these ASCII values)."""
    return json.dumps(value)


def q_list(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def inline(table: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{k} = {q(v)}" for k, v in table.items()) + " }" if table else "{}"


class Generator:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.n_systems = max(1, round(n / SYSTEM_SIZE))
        self.systems = [self._system_id(i) for i in range(self.n_systems)]
        n_teams = max(len(TEAM_FUNCTIONS), (self.n_systems + 1) // 2 * len(TEAM_FUNCTIONS) // 2)
        self.teams = [f"{TEAM_FUNCTIONS[i % 5]}-{i // 5 + 1}" if i >= 5 else TEAM_FUNCTIONS[i] for i in range(n_teams)]
        self.people: list[tuple[str, str]] = []  # (person id, team id)
        for t, team in enumerate(self.teams):
            for j in range(5):
                name = FIRST_NAMES[(t * 5 + j) % len(FIRST_NAMES)]
                self.people.append((f"{name}-{t}-{j}", team))
        self.old_team_people = [f"old-{FIRST_NAMES[i]}" for i in range(8)]
        self.components: list[Comp] = []
        self.shared_events: list[str] = []  # hub datasets later systems read
        self.public_services: list[str] = []  # services later systems' topics log from
        self.hubs: dict[str, dict[str, str]] = {}  # system -> kind -> its shared env / cluster

    def _system_id(self, i: int) -> str:
        base = DOMAINS[i % len(DOMAINS)]
        return base if i < len(DOMAINS) else f"{base}-{i // len(DOMAINS) + 1}"

    def team_for(self, system_index: int, kind: str) -> str:
        # Each pair of systems shares one group of five teams (one per function).
        group = (system_index // 2) % max(1, len(self.teams) // 5)
        return self.teams[group * 5 + TEAM_OF_KIND[kind]]

    # -- components ------------------------------------------------------------------

    def build(self) -> None:
        remaining = self.n
        for s, system in enumerate(self.systems):
            size = remaining // (self.n_systems - s)
            remaining -= size
            self._build_system(s, system, size)

    def _counts(self, size: int) -> list[int]:
        counts = [max(1, int(share * size)) for _, _, share in MIX] if size >= 60 else [0] * len(MIX)
        if size < 60:  # tiny catalogs: a short chain through the main layers
            for i, (kind, mode, _) in enumerate(MIX):
                if kind in ("pubsub_topic", "dataflow_job", "bigquery_dataset", "model") and mode != "batch":
                    counts[i] = 1
                if kind == "pubsub_subscription" and mode == "":
                    counts[i] = 1
        # Top up or trim the datasets (a middle layer) to hit the size exactly.
        ds = next(i for i, (k, _, _) in enumerate(MIX) if k == "bigquery_dataset")
        counts[ds] += size - sum(counts)
        while counts[ds] < 0:
            j = max(range(len(counts)), key=counts.__getitem__)
            counts[j] -= 1
            counts[ds] += 1
        return counts

    def _build_system(self, s: int, system: str, size: int) -> None:
        rng = self.rng
        by_kind: dict[str, list[str]] = {}
        members: dict[str, Comp] = {}
        made = 0

        def pick(kind: str, k: int = 1, fallback: tuple[str, ...] = ()) -> list[str]:
            pool = by_kind.get(kind) or next((by_kind[f] for f in fallback if by_kind.get(f)), [])
            if not pool:
                return []
            # Half uniform, half skewed to the first few of a kind: those become fan-out hubs.
            chosen = set()
            for _ in range(k):
                if rng.random() < 0.5:
                    chosen.add(rng.choice(pool))
                else:
                    chosen.add(pool[min(int(rng.paretovariate(1.5)) - 1, len(pool) - 1)])
            return sorted(chosen)

        for (kind, mode, _), count in zip(MIX, self._counts(size)):
            for _ in range(count):
                made += 1
                cid = self._component_id(system, kind, mode, len(by_kind.get(kind, ())), made)
                c = Comp(cid, kind, mode, system, self.team_for(s, kind))
                c.deps = self._deps(c, pick, rng)
                by_kind.setdefault(kind, []).append(cid)
                members[cid] = c
                self.components.append(c)
        self._chain_pipeline_components(members, by_kind)
        if by_kind.get("bigquery_dataset"):
            self.shared_events.append(by_kind["bigquery_dataset"][0])
        self.public_services.extend(by_kind.get("grpc_service", [])[:3])
        self.hubs[system] = {k: by_kind[k][0] for k in ("composer_environment", "gke_cluster") if by_kind.get(k)}

    def _component_id(self, system: str, kind: str, mode: str, i: int, made: int) -> str:
        short = {
            "composer_environment": "composer", "gke_cluster": "gke", "gcs_bucket": "bucket",
            "pubsub_topic": "topic", "pubsub_subscription": "dlq" if mode == "dead_letter" else "sub",
            "dataflow_job": "stream" if mode == "streaming" else "batch", "composer_dag": "dag",
            "dataproc_job": "dataproc", "bigquery_dataset": "ds", "bigquery_scheduled_query": "sq",
            "feature_online_store": "online-store", "feature_view": "fview",
            "kubeflow_pipeline": "kfp", "kubeflow_recurring_run": "kfp-nightly",
            "pipeline_component": "step", "model": "model", "redis_instance": "redis",
            "envoy_gateway": "edge", "grpc_service": "svc" if mode == "gke" else "run",
            "k8s_cronjob": "cron",
        }[kind]
        sep = "_" if kind == "composer_dag" else "-"
        return f"{system}{sep}{short}{sep}{made:04d}"

    def _deps(self, c: Comp, pick, rng: random.Random) -> list[str]:
        kind, mode = c.kind, c.mode
        if kind == "pubsub_topic":
            if self.public_services and rng.random() < 0.3:
                return [rng.choice(self.public_services)]  # an earlier system's event logger
            return []
        if kind == "pubsub_subscription":
            return pick("pubsub_subscription") if mode == "dead_letter" else pick("pubsub_topic")
        if kind == "dataflow_job":
            if mode == "streaming":
                return pick("pubsub_subscription", rng.randint(1, 3))
            deps = pick("gcs_bucket")
            if self.shared_events and rng.random() < 0.4:
                deps.append(rng.choice(self.shared_events[:3]))  # the big hubs
            return deps
        if kind == "composer_dag":
            return pick("composer_environment") + pick("dataflow_job", rng.randint(0, 2))
        if kind == "dataproc_job":
            return pick("gcs_bucket") + pick("dataflow_job")
        if kind == "bigquery_dataset":
            deps = pick("dataflow_job", rng.randint(1, 3)) + pick("composer_dag", rng.randint(0, 1))
            return deps or pick("pubsub_subscription", fallback=("pubsub_topic",))
        if kind == "bigquery_scheduled_query":
            return pick("bigquery_dataset", rng.randint(1, 2))
        if kind == "feature_online_store":
            return pick("bigquery_dataset", 2)
        if kind == "feature_view":
            return pick("feature_online_store") + pick("bigquery_dataset")
        if kind == "kubeflow_pipeline":
            return pick("gke_cluster") + pick("gcs_bucket") + pick("bigquery_dataset", rng.randint(1, 2))
        if kind == "kubeflow_recurring_run":
            c.schedule = f"0 0 {rng.randint(0, 6)} * * *"
            return pick("kubeflow_pipeline") + pick("bigquery_scheduled_query")
        if kind == "pipeline_component":
            return []
        if kind == "model":
            return pick("kubeflow_recurring_run", fallback=("bigquery_dataset",))
        if kind == "redis_instance":
            return pick("feature_view")
        if kind == "envoy_gateway":
            return pick("gke_cluster")
        if kind == "grpc_service":
            deps = pick("model", rng.randint(1, 2)) + pick("redis_instance") + pick("grpc_service", rng.randint(0, 2))
            if mode == "gke":
                deps += pick("envoy_gateway")
            return deps
        if kind == "k8s_cronjob":
            return pick("model") + pick("grpc_service")
        return []

    def _chain_pipeline_components(self, index: dict[str, Comp], by_kind: dict[str, list[str]]) -> None:
        """Pipeline steps form chains of eight behind a recurring run; a model follows each pusher."""
        steps = by_kind.get("pipeline_component", [])
        runs = by_kind.get("kubeflow_recurring_run", [])
        models = by_kind.get("model", [])
        for start in range(0, len(steps), len(PIPELINE_STEPS)):
            chain = steps[start : start + len(PIPELINE_STEPS)]
            chain_no = start // len(PIPELINE_STEPS)
            head = [runs[chain_no % len(runs)]] if runs else []
            for j, sid in enumerate(chain):
                index[sid].deps = head if j == 0 else [chain[j - 1]]
                index[sid].labels = {"task": PIPELINE_STEPS[j]}
            if models and chain_no < len(models):
                model = index[models[chain_no]]
                model.deps = sorted(set(model.deps) | {chain[-1]})

    # -- files -----------------------------------------------------------------------

    def decorate(self) -> None:
        """Labels, schedules, runbooks, tiers and handover state."""
        rng = self.rng
        handover_start = dt.date(2027, 1, 15)
        for c in self.components:
            c.labels = {**self._labels(c), **c.labels}
            if c.kind == "composer_dag":
                c.schedule = f"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *"
            elif c.kind == "dataflow_job" and c.mode == "batch":
                c.schedule = f"0 {rng.randint(0, 5)} * * *"
            c.tier = rng.choice((1, 2, 2, 3))
            if rng.random() < 0.85:
                c.runbook = f"runbooks/{c.system}/{c.id}.md"
            if rng.random() < 0.7:
                team_people = [p for p, t in self.people if t == c.owner]
                knowing = rng.sample(team_people, rng.randint(0, 3))
                c.handover = {
                    "previous_owner": "recs-core",
                    "stage": rng.choice(STAGES),
                    "support_until": handover_start + dt.timedelta(days=rng.randint(30, 120)),
                    "contact": rng.choice(self.old_team_people),
                    "knowledge": {p: rng.choice(LEVELS) for p in sorted(knowing)},
                }

    def _labels(self, c: Comp) -> dict[str, str]:
        cid, kind = c.id, c.kind
        env = self.hubs[c.system].get("composer_environment", f"{c.system}-composer")
        cluster = self.hubs[c.system].get("gke_cluster", f"{c.system}-gke")
        return {
            "pubsub_topic": {"topic_id": cid},
            "pubsub_subscription": {"subscription_id": cid},
            "dataflow_job": {"job_name": cid},
            "composer_environment": {"environment_name": cid},
            "composer_dag": {"workflow_name": cid, "environment_name": env},
            "bigquery_dataset": {"dataset_id": cid.replace("-", "_")},
            "bigquery_scheduled_query": {"config_id": cid},
            "dataproc_job": {"job_id": cid},
            "gcs_bucket": {"bucket_name": cid},
            "feature_online_store": {"feature_online_store_id": cid.replace("-", "_")},
            "feature_view": {"feature_view_id": cid.replace("-", "_")},
            "gke_cluster": {"cluster_name": cid},
            "kubeflow_pipeline": {"pipeline": cid},
            "kubeflow_recurring_run": {"pipeline": cid},
            "pipeline_component": {},
            "model": {"model": cid},
            "redis_instance": {
                "instance_id": f"projects/{c.system}-prod/locations/us-central1/instances/{cid}"
            },
            "envoy_gateway": {"cluster_name": cluster, "namespace_name": c.system, "container_name": "envoy"},
            "grpc_service": (
                {"cluster": cluster, "namespace": c.system, "job": cid}
                if c.mode == "gke"
                else {"service_name": cid}
            ),
            "k8s_cronjob": {"cluster_name": cluster, "namespace_name": c.system, "container_name": cid},
        }[kind]

    def write(self, out: Path) -> tuple[int, int]:
        catalog = out / "catalog"
        (catalog / "systems").mkdir(parents=True, exist_ok=True)
        files = 0

        def put(path: Path, text: str) -> None:
            nonlocal files
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            files += 1

        put(catalog / "atlas.toml", self._atlas_toml())
        put(catalog / "teams.toml", self._teams_toml())
        put(catalog / "projects.toml", self._projects_toml())
        put(catalog / "signals.toml", signals_toml())
        by_system: dict[str, list[Comp]] = {}
        for c in self.components:
            by_system.setdefault(c.system, []).append(c)
        for s, system in enumerate(self.systems):
            put(catalog / "systems" / f"{system}.toml", self._system_toml(s, system, by_system.get(system, [])))
        runbooks = 0
        for c in self.components:
            if c.runbook:
                put(out / c.runbook, RUNBOOK.format(id=c.id, kind=c.kind, system=c.system, owner=c.owner))
                runbooks += 1
        return files - runbooks, runbooks

    def _atlas_toml(self) -> str:
        return (
            "# Synthetic catalog written by benchmarks/generate.py: do not edit by hand.\n"
            "[atlas]\n"
            f"name = {q(f'synthetic-{self.n}')}\n"
            f"description = {q(f'{self.n} generated components in {self.n_systems} systems')}\n"
            f"default_project = {q(self.systems[0] + '-prod')}\n"
        )

    def _teams_toml(self) -> str:
        out = []
        for team in self.teams:
            out.append(
                f"[[team]]\nid = {q(team)}\nname = {q(team.replace('-', ' ').title())}\n"
                f"chat = {q('#' + team)}\noncall = {q('pagerduty:PD-' + team.upper())}\n"
            )
        out.append('[[team]]\nid = "recs-core"\nname = "Recs Core (previous owners)"\nnew_owner = false\n')
        for person, team in self.people:
            first = person.split("-")[0].title()
            out.append(
                f"[[person]]\nid = {q(person)}\nname = {q(first + ' ' + person.split('-', 1)[1])}\n"
                f"team = {q(team)}\nemail = {q(person + '@example.com')}\n"
            )
        for person in self.old_team_people:
            out.append(f"[[person]]\nid = {q(person)}\nname = {q(person.title())}\nteam = \"recs-core\"\n")
        return "\n".join(out)

    def _projects_toml(self) -> str:
        out = []
        for system in self.systems:
            out.append(f"[[project]]\nid = {q(system + '-prod')}\nregion = \"us-central1\"\n")
            out.append(
                f"[[repo]]\nid = {q(system)}\ngithub = {q('synthetic/' + system)}\ndefault_branch = \"main\"\n"
            )
        return "\n".join(out)

    def _system_toml(self, s: int, system: str, comps: list[Comp]) -> str:
        out = [
            f"[[system]]\nid = {q(system)}\nname = {q(system.title())}\n"
            f"owner = {q(self.team_for(s, 'dataflow_job'))}\nproject = {q(system + '-prod')}\n"
            f"order = {s + 1}\ndescription = {q('Synthetic system ' + str(s + 1))}\n"
        ]
        for c in comps:
            lines = [
                "[[component]]",
                f"id = {q(c.id)}",
                f"kind = {q(c.kind)}",
                f"system = {q(system)}",
                f"owner = {q(c.owner)}",
            ]
            if c.deps:
                lines.append(f"depends_on = {q_list(c.deps)}")
            if c.mode:
                lines.append(f"mode = {q(c.mode)}")
            if c.runbook:
                lines.append(f"runbook = {q(c.runbook)}")
            lines.append(f"repo = {q(system)}")
            lines.append(f"tier = {c.tier}")
            if c.schedule:
                lines.append(f"schedule = {q(c.schedule)}")
            lines.append(f"description = {q(c.kind.replace('_', ' ') + ' of ' + system)}")
            if c.labels:
                lines.append(f"labels = {inline(c.labels)}")
            if c.handover:
                h = c.handover
                lines += [
                    "",
                    "[component.handover]",
                    f"previous_owner = {q(h['previous_owner'])}",
                    f"stage = {q(h['stage'])}",
                    f"support_until = {h['support_until'].isoformat()}",
                    f"contact = {q(h['contact'])}",
                ]
                if h["knowledge"]:
                    lines.append(f"knowledge = {inline(h['knowledge'])}")
            out.append("\n".join(lines) + "\n")
        return "\n".join(out)


RUNBOOK = """# {id}

A {kind} in the {system} system, owned by {owner}.

## When it alerts

1. Check its health in atlas (`atlas show {id}`) and what is upstream of it.
2. Read the recent errors (`atlas logs {id}`).
3. If upstream is healthy, restart or re-run it; otherwise follow the upstream runbook.

## Escalation

Page {owner} on-call.
"""

# Signal templates, one per metric and kind; rendered into signals.toml by signals_toml().
# (id, name, kinds, modes, metric_type, resource_type, resource_labels, aligner, reducer, extra)
_SIGNALS: tuple[tuple, ...] = (
    ("pubsub-oldest-unacked", "oldest unacked age", ["pubsub_subscription"], [],
     "pubsub.googleapis.com/subscription/oldest_unacked_message_age", "pubsub_subscription",
     ["subscription_id"], "ALIGN_MAX", "REDUCE_MAX", {"unit": "s", "warn": 300, "crit": 900}),
    ("pubsub-dead-letters", "dead letters", ["pubsub_subscription"], ["dead_letter"],
     "pubsub.googleapis.com/subscription/num_undelivered_messages", "pubsub_subscription",
     ["subscription_id"], "ALIGN_MAX", "REDUCE_MAX", {"warn": 0}),
    ("pubsub-topic-sends", "publish rate", ["pubsub_topic"], [],
     "pubsub.googleapis.com/topic/send_request_count", "pubsub_topic", ["topic_id"],
     "ALIGN_RATE", "REDUCE_SUM", {"window": 600, "unit": "1/s", "direction": "below", "warn": 0.0001}),
    ("dataflow-failed", "job failed", ["dataflow_job"], [], "dataflow.googleapis.com/job/is_failed",
     "dataflow_job", ["job_name"], "ALIGN_MAX", "REDUCE_MAX", {"crit": 0}),
    ("dataflow-system-lag", "system lag", ["dataflow_job"], ["streaming"],
     "dataflow.googleapis.com/job/system_lag", "dataflow_job", ["job_name"], "ALIGN_MAX", "REDUCE_MAX",
     {"unit": "s", "warn": 60, "crit": 300}),
    ("dataflow-watermark-age", "watermark age", ["dataflow_job"], ["streaming"],
     "dataflow.googleapis.com/job/data_watermark_age", "dataflow_job", ["job_name"], "ALIGN_MAX",
     "REDUCE_MAX", {"unit": "s", "warn": 300, "crit": 900}),
    ("dataflow-elapsed", "run time", ["dataflow_job"], ["batch"], "dataflow.googleapis.com/job/elapsed_time",
     "dataflow_job", ["job_name"], "ALIGN_MAX", "REDUCE_MAX",
     {"window": 3600, "unit": "s", "warn": 5400, "crit": 7200}),
    ("composer-healthy", "environment healthy", ["composer_environment"], [],
     "composer.googleapis.com/environment/healthy", "cloud_composer_environment", ["environment_name"],
     "ALIGN_FRACTION_TRUE", "REDUCE_MEAN", {"direction": "below", "warn": 1, "crit": 0.5}),
    ("composer-dag-failed", "failed DAG runs", ["composer_dag"], [], "composer.googleapis.com/workflow/run_count",
     "cloud_composer_workflow", ["environment_name", "workflow_name"], "ALIGN_SUM", "REDUCE_SUM",
     {"metric_labels": {"state": "failed"}, "alignment_period": 3600, "window": 3600, "crit": 0}),
    ("bq-uploaded-rows", "rows uploaded", ["bigquery_dataset"], [],
     "bigquery.googleapis.com/storage/uploaded_row_count", "bigquery_dataset", ["dataset_id"],
     "ALIGN_RATE", "REDUCE_SUM", {"window": 1800, "unit": "1/s", "direction": "below", "warn": 0.0001}),
    ("bq-transfer-failed", "failed scheduled runs", ["bigquery_scheduled_query"], [],
     "bigquerydatatransfer.googleapis.com/transfer_config/completed_runs", "bigquery_dts_config",
     ["config_id"], "ALIGN_DELTA", "REDUCE_SUM",
     {"metric_labels": {"completion_state": "FAILED"}, "alignment_period": 3600, "window": 3600, "crit": 0}),
    ("dataproc-job-error", "job in ERROR", ["dataproc_job"], [], "dataproc.googleapis.com/job/state",
     "cloud_dataproc_job", ["job_id"], "ALIGN_MAX", "REDUCE_MAX", {"metric_labels": {"state": "ERROR"}, "crit": 0}),
    ("gke-restarts", "container restarts", ["gke_cluster"], [], "kubernetes.io/container/restart_count",
     "k8s_container", ["cluster_name"], "ALIGN_DELTA", "REDUCE_SUM", {"alignment_period": 300, "warn": 0}),
    ("container-restarts", "container restarts", ["envoy_gateway", "k8s_cronjob"], [],
     "kubernetes.io/container/restart_count", "k8s_container", ["cluster_name", "namespace_name", "container_name"],
     "ALIGN_DELTA", "REDUCE_SUM", {"alignment_period": 300, "warn": 0}),
    ("grpc-error-ratio", "gRPC error ratio", ["grpc_service"], ["gke"],
     "prometheus.googleapis.com/grpc_server_handled_total/counter", "prometheus_target",
     ["cluster", "namespace", "job"], "ALIGN_RATE", "REDUCE_SUM",
     {"type": "ratio", "ratio_label": "grpc_code", "ratio_bad": ["OK"], "ratio_bad_mode": "exclude",
      "warn": 0.01, "crit": 0.05}),
    ("grpc-latency-p99", "p99 latency", ["grpc_service"], ["gke"],
     "prometheus.googleapis.com/grpc_server_handling_seconds/histogram", "prometheus_target",
     ["cluster", "namespace", "job"], "ALIGN_DELTA", "REDUCE_PERCENTILE_99", {"unit": "s", "warn": 0.2, "crit": 0.5}),
    ("run-5xx-ratio", "5xx ratio", ["grpc_service"], ["cloud_run"], "run.googleapis.com/request_count",
     "cloud_run_revision", ["service_name"], "ALIGN_RATE", "REDUCE_SUM",
     {"type": "ratio", "ratio_label": "response_code_class", "ratio_bad": ["5xx"], "ratio_bad_mode": "include",
      "warn": 0.01, "crit": 0.05}),
    ("run-latency-p99", "p99 latency", ["grpc_service"], ["cloud_run"], "run.googleapis.com/request_latencies",
     "cloud_run_revision", ["service_name"], "ALIGN_DELTA", "REDUCE_PERCENTILE_99",
     {"unit": "ms", "warn": 500, "crit": 1000}),
    ("redis-memory", "memory usage", ["redis_instance"], [],
     "redis.googleapis.com/stats/memory/system_memory_usage_ratio", "redis_instance", ["instance_id"],
     "ALIGN_MEAN", "REDUCE_MAX", {"warn": 0.8, "crit": 0.9}),
    ("redis-hit-ratio", "cache hit ratio", ["redis_instance"], [], "redis.googleapis.com/stats/cache_hit_ratio",
     "redis_instance", ["instance_id"], "ALIGN_MEAN", "REDUCE_MEAN", {"direction": "below", "warn": 0.8, "crit": 0.6}),
    # Kubeflow runs and model versions have no standard metric: logs tell.
    ("kfp-run-errors", "pipeline run errors", ["kubeflow_recurring_run"], [], "", "", [], "", "",
     {"type": "log", "window": 86400, "crit": 0,
      "log_filter": 'resource.type="k8s_container" AND resource.labels.namespace_name="kubeflow" '
                    'AND labels.pipeline="{pipeline}" AND severity>=ERROR'}),
    ("model-freshness", "newest version age", ["model"], [], "", "", [], "", "",
     {"type": "freshness", "window": 604800, "unit": "s", "warn": 129600, "crit": 259200,
      "log_filter": 'resource.type="aiplatform.googleapis.com/Model" AND labels.model="{model}" '
                    'AND jsonPayload.event="version_created"'}),
)

# "Recent errors" filter per kind (and mode).
_LOG_FILTERS: tuple[tuple[list[str], list[str], str], ...] = (
    (["dataflow_job"], [], 'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"'),
    (["composer_environment", "composer_dag"], [],
     'resource.type="cloud_composer_environment" AND resource.labels.environment_name="{environment_name}"'),
    (["bigquery_scheduled_query"], [], 'resource.type="bigquery_dts_config" AND resource.labels.config_id="{config_id}"'),
    (["grpc_service"], ["gke"],
     'resource.type="k8s_container" AND resource.labels.cluster_name="{cluster}" AND '
     'resource.labels.namespace_name="{namespace}" AND resource.labels.container_name="{job}"'),
    (["grpc_service"], ["cloud_run"], 'resource.type="cloud_run_revision" AND resource.labels.service_name="{service_name}"'),
    (["envoy_gateway", "k8s_cronjob"], [],
     'resource.type="k8s_container" AND resource.labels.cluster_name="{cluster_name}" AND '
     'resource.labels.namespace_name="{namespace_name}" AND resource.labels.container_name="{container_name}"'),
)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return q(value)
    if isinstance(value, list):
        return q_list(value)
    return inline(value)


def signals_toml() -> str:
    out = ["# Signal templates, one per metric and kind (see docs/catalog-format.md).\n"]
    for sid, name, kinds, modes, metric, resource, labels, aligner, reducer, extra in _SIGNALS:
        table = {"id": sid, "name": name, "kinds": kinds, "modes": modes, "metric_type": metric,
                 "resource_type": resource, "resource_labels": labels, "aligner": aligner, "reducer": reducer,
                 **extra}
        lines = ["[[signal]]"] + [f"{k} = {toml_value(v)}" for k, v in table.items() if v not in ("", [])]
        out.append("\n".join(lines) + "\n")
    for kinds, modes, text in _LOG_FILTERS:
        lines = ["[[log_filter]]", f"kinds = {q_list(kinds)}"]
        if modes:
            lines.append(f"modes = {q_list(modes)}")
        lines.append(f"filter = {q(text)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)



def generate(n: int, outdir: str | Path, seed: int = 7) -> dict:
    """Write the catalog and runbooks under `outdir`; returns a summary dict."""
    if n < 1:
        raise ValueError(f"N must be at least 1, not {n}")
    out = Path(outdir)
    if (out / "catalog").exists() and any((out / "catalog").iterdir()):
        raise FileExistsError(f"{out / 'catalog'} already exists and is not empty; choose an empty OUTDIR")
    gen = Generator(n, seed)
    gen.build()
    gen.decorate()
    files, runbooks = gen.write(out)
    edges = sum(len(c.deps) for c in gen.components)
    return {
        "components": len(gen.components),
        "systems": len(gen.systems),
        "edges": edges,
        "teams": len(gen.teams) + 1,
        "people": len(gen.people) + len(gen.old_team_people),
        "catalog_files": files,
        "runbooks": runbooks,
        "catalog": str(out / "catalog"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic atlas catalog of N components.")
    parser.add_argument("n", type=int, metavar="N", help="number of components")
    parser.add_argument("outdir", metavar="OUTDIR", help="workspace to write catalog/ and runbooks/ into")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    try:
        s = generate(args.n, args.outdir, args.seed)
    except (ValueError, OSError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {s['components']} components ({s['edges']} dependencies) in {s['systems']} "
        f"system{'s' if s['systems'] != 1 else ''}, "
        f"{s['teams']} teams, {s['people']} people: {s['catalog_files']} catalog files and "
        f"{s['runbooks']} runbooks under {args.outdir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
