"""A small slice of the nw-recs product, built in code for the catalog tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.helpers import component, system, team, write_catalog

SIGNALS = [
    {"id": "pubsub-oldest-unacked", "name": "oldest unacked age", "kinds": ["pubsub_subscription"],
     "type": "metric", "metric_type": "pubsub.googleapis.com/subscription/oldest_unacked_message_age",
     "resource_type": "pubsub_subscription", "resource_labels": ["subscription_id"], "aligner": "ALIGN_MAX",
     "unit": "s", "warn": 300, "crit": 900},
    {"id": "dataflow-system-lag", "name": "system lag", "kinds": ["dataflow_job"], "modes": ["streaming"],
     "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
     "resource_labels": ["job_name"], "unit": "s", "warn": 60, "crit": 300},
    {"id": "grpc-error-ratio", "name": "error ratio", "kinds": ["grpc_service"], "type": "ratio",
     "metric_type": "prometheus.googleapis.com/grpc_server_handled_total/counter", "ratio_label": "grpc_code",
     "aligner": "ALIGN_RATE", "reducer": "REDUCE_SUM",  # a CUMULATIVE counter: ALIGN_MAX is refused
     "ratio_bad": ["OK"], "resource_type": "prometheus_target", "resource_labels": ["job"],
     "unit": "%", "warn": 1, "crit": 5},
]
LOG_FILTERS = [
    {"kinds": ["dataflow_job"], "filter": 'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"'},
    {"kinds": ["grpc_service"], "filter": 'resource.type="k8s_container" AND resource.labels.container_name="{job}"'},
]


def write_product(tmp_path: Path) -> Path:
    """Five components over two systems; `ranker-svc` has the richest record."""
    return write_catalog(
        tmp_path,
        [
            component("clickstream-raw-df", kind="pubsub_subscription", system="data-pipelines", owner="data-eng",
                      labels={"subscription_id": "clickstream-raw-df"}, runbook="runbooks/clickstream-raw-df.md"),
            component("clickstream-sessionizer", kind="dataflow_job", mode="streaming", system="data-pipelines",
                      owner="data-eng", depends_on=["clickstream-raw-df"], repo="data-pipelines",
                      labels={"job_name": "clickstream-sessionizer"},
                      runbook="runbooks/clickstream-sessionizer.md"),
            component("events", kind="bigquery_dataset", system="data-pipelines", owner="data-eng",
                      depends_on=["clickstream-sessionizer"]),
            component("ranker-svc", system="serving", owner="ranking-science", depends_on=["events"],
                      repo="serving", runbook="runbooks/ranker-svc.md", description="Scores candidates",
                      labels={"job": "ranker-svc"}, signal_overrides={"grpc-error-ratio": {"warn": 2}},
                      handover={"previous_owner": "recs-core", "stage": "shadowing",
                                "support_until": dt.date(2027, 2, 28), "contact": "lena",
                                "knowledge": {"amara": "can-debug"}}),
            component("recs-api", system="serving", owner="serving-platform", depends_on=["ranker-svc"],
                      labels={"job": "recs-api"}),
        ],
        teams=[team("data-eng", chat="#recs-data-eng"), team("ranking-science", chat="#recs-ranking"),
               {"id": "serving-platform", "name": "Serving Platform"}, team("recs-core", new_owner=False)],
        people=[{"id": "amara", "name": "Amara Okafor", "team": "ranking-science", "email": "amara@example.com"},
                {"id": "lena", "name": "Lena Berg", "team": "recs-core"}],
        systems=[system("data-pipelines", owner="data-eng", project="nw-recs-data-prod", order=1),
                 system("serving", owner="serving-platform", project="nw-recs-serving-prod", order=3)],
        repos=[{"id": "data-pipelines", "github": "nw-recs/data-pipelines"},
               {"id": "serving", "github": "nw-recs/serving", "default_branch": "trunk"}],
        signals=SIGNALS,
        log_filters=LOG_FILTERS,
        atlas={"name": "nw-recs", "description": "Recommendations"},
    )
