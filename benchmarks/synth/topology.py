"""Build the component graph of a synthetic catalog: systems, ids, dependencies, labels.

Edges only run from earlier components (and earlier systems) to later ones, so the graph
is a DAG; a few components of each kind get most of the fan-out and become hubs.
"""

from __future__ import annotations

import datetime as dt
import random

from .shape import (DOMAINS, FIRST_NAMES, LEVELS, MIX, PIPELINE_STEPS, STAGES, SYSTEM_SIZE, TEAM_FUNCTIONS,
                    TEAM_OF_KIND, Comp)


class Generator:
    """Teams, people and components for N components: `build()`, then `decorate()`."""

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

    # -- labels, schedules, handover -------------------------------------------------

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
