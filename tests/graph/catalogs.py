"""Small catalogs built in code for the graph tests: no files, no loader."""

from __future__ import annotations

from pathlib import Path

from atlas.catalog.model import Catalog, Component, System

SYSTEMS = (
    System(id="data-pipelines", name="Data pipelines", order=1),
    System(id="training", name="Training", order=2),
    System(id="serving", name="Serving", order=3),
)


def catalog_of(components: list[Component], systems=SYSTEMS) -> Catalog:
    return Catalog(
        root=Path("catalog"),
        workspace=Path("."),
        components={c.id: c for c in components},
        systems={s.id: s for s in systems},
    )


def comp(cid: str, kind: str, system: str, *deps: str) -> Component:
    return Component(id=cid, kind=kind, system=system, depends_on=tuple(deps))


def recs_slice() -> Catalog:
    """A readable slice of nw-recs: clicks become features, a model and a serving path."""
    return catalog_of(
        [
            comp("clickstream-raw", "pubsub_topic", "data-pipelines"),
            comp("clickstream-raw-df", "pubsub_subscription", "data-pipelines", "clickstream-raw"),
            comp("clickstream-sessionizer", "dataflow_job", "data-pipelines", "clickstream-raw-df"),
            comp("events", "bigquery_dataset", "data-pipelines", "clickstream-sessionizer"),
            comp("feature-backfill", "dataflow_job", "data-pipelines", "events"),
            comp("features", "bigquery_dataset", "data-pipelines", "feature-backfill"),
            comp("nw-recs-landing", "gcs_bucket", "data-pipelines"),
            comp("kfp-prod", "gke_cluster", "training"),
            comp("ranker-training", "kubeflow_pipeline", "training", "features", "kfp-prod"),
            comp("ranker", "model", "training", "ranker-training"),
            comp("feature-fetcher", "grpc_service", "serving", "features"),
            comp("ranker-svc", "grpc_service", "serving", "ranker", "feature-fetcher"),
            comp("explain-svc", "grpc_service", "serving", "ranker"),
        ]
    )
