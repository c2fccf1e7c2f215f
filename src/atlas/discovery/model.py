"""What discovery finds: components, edges, owners and knowledge, each with its evidence.

Ids are the resource names the artifacts use (topic, job, deployment, task names); `compare`
maps them onto catalog ids. An edge's `upstream` is what the `downstream` depends on (data and
calls flow from upstream to downstream), the catalog's `depends_on` read backwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Evidence:
    source: str  # kfp, k8s, airflow, terraform, codeowners, git, monitoring, pubsub
    where: str  # repo/path:line, or the API and resource name
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.where} ({self.detail})" if self.detail else self.where


@dataclass(slots=True)
class ComponentFinding:
    id: str
    kind: str
    mode: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    repo: str = ""  # the repo whose artifact declares it ("" for live-only resources)
    path: str = ""  # repo-relative file that declares it (CODEOWNERS and git history key on it)
    project: str = ""
    schedule: str = ""
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class EdgeFinding:
    upstream: str
    downstream: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class OwnerFinding:
    component: str
    team: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class KnowledgeFinding:
    component: str
    person: str  # the author as git knows them (email, else name)
    name: str
    commits: int
    last_commit: int  # epoch seconds
    level: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Findings:
    """Everything the sources found; `add_*` merge duplicates and keep all evidence."""

    components: dict[str, ComponentFinding] = field(default_factory=dict)
    edges: dict[tuple[str, str], EdgeFinding] = field(default_factory=dict)
    owners: dict[str, OwnerFinding] = field(default_factory=dict)
    knowledge: list[KnowledgeFinding] = field(default_factory=list)
    # Live observations: (kind, key label value) seen in the last 24 h, and what was asked.
    observed: dict[tuple[str, str], Evidence] = field(default_factory=dict)
    observed_kinds: set[str] = field(default_factory=set)  # "kind@project" whose listing answered
    # (project, metric type, resource type) -> resource labels of each series seen in 24 h;
    # a key is present only when its query answered.
    series: dict[tuple[str, str, str], list[dict[str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # one line per artifact that could not be read
    dead_letter_topics: set[str] = field(default_factory=set)  # folded into their subscriptions
    teams: dict[str, Evidence] = field(default_factory=dict)  # team id -> where it was named
    repos: dict[str, str] = field(default_factory=dict)  # repo short name -> owner/name or path
    # Live reads that did not answer: drift there is unknown, never "none" (one line each).
    unasked: list[str] = field(default_factory=list)

    def add_component(self, found: ComponentFinding) -> ComponentFinding:
        have = self.components.get(found.id)
        if have is None:
            self.components[found.id] = found
            return found
        for key, value in found.labels.items():
            have.labels.setdefault(key, value)
        if found.path and not have.path:  # the declaring artifact is the best evidence: first
            have.evidence[:0] = [e for e in found.evidence if e not in have.evidence]
        for name in ("mode", "repo", "path", "project", "schedule"):
            if not getattr(have, name) and getattr(found, name):
                setattr(have, name, getattr(found, name))
        _extend(have.evidence, found.evidence)
        return have

    def add_edge(self, upstream: str, downstream: str, evidence: Evidence) -> None:
        if upstream == downstream:
            return
        edge = self.edges.setdefault((upstream, downstream), EdgeFinding(upstream, downstream))
        _extend(edge.evidence, [evidence])

    def note(self, message: str) -> None:
        self.notes.append(message)

    def unanswered(self, message: str) -> None:
        """A live read that failed: a note, and a part of the drift check that did not run."""
        self.notes.append(message)
        self.unasked.append(message)

    def update(self, other: "Findings") -> None:
        for comp in other.components.values():
            self.add_component(comp)
        for edge in other.edges.values():
            for ev in edge.evidence:
                self.add_edge(edge.upstream, edge.downstream, ev)
        for comp_id, owner in other.owners.items():
            self.owners.setdefault(comp_id, owner)
        self.knowledge.extend(other.knowledge)
        for key, ev in other.observed.items():
            self.observed.setdefault(key, ev)
        self.observed_kinds |= other.observed_kinds
        self.series.update(other.series)
        self.dead_letter_topics |= other.dead_letter_topics
        self.notes.extend(other.notes)
        for team, ev in other.teams.items():
            self.teams.setdefault(team, ev)
        self.repos.update(other.repos)


def _extend(have: list[Evidence], more: list[Evidence]) -> None:
    for ev in more:
        if ev not in have:
            have.append(ev)


# The label that names a resource of each kind, as Cloud Monitoring's resource labels do.
KEY_LABEL: dict[str, str] = {
    "pubsub_topic": "topic_id",
    "pubsub_subscription": "subscription_id",
    "dataflow_job": "job_name",
    "composer_environment": "environment_name",
    "composer_dag": "workflow_name",
    "bigquery_dataset": "dataset_id",
    "bigquery_scheduled_query": "config_id",
    "dataproc_job": "job_id",
    "gcs_bucket": "bucket_name",
    "feature_online_store": "feature_online_store_id",
    "feature_view": "feature_view_id",
    "gke_cluster": "cluster_name",
    "kubeflow_pipeline": "pipeline_name",
    "kubeflow_recurring_run": "recurring_run",
    "pipeline_component": "task",
    "model": "model",
    "grpc_service": "container_name",  # GKE; Cloud Run services key on service_name
    "envoy_gateway": "container_name",
    "redis_instance": "instance_id",
    "k8s_cronjob": "container_name",
}


def key_of(kind: str, labels: dict[str, str], mode: str = "") -> str:
    """The resource name a component's labels point at ("" when they name none)."""
    if kind == "grpc_service" and (mode == "cloud_run" or "service_name" in labels):
        return labels.get("service_name", "")
    return labels.get(KEY_LABEL.get(kind, ""), "")
