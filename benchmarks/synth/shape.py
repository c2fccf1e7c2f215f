"""The shape of a synthetic system: its domains, teams, and the mix of component kinds.

Each system is a small nw-recs; MIX lists kinds in data-flow order, so a component only
ever depends on components generated before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """One generated component, before it is rendered as a [[component]] table."""

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
