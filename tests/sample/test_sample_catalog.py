"""The bundled sample product nw-recs (catalog/ and runbooks/), as a new owner meets it:
the components of DOMAIN.md with their real wiring, signals that resolve to real queries,
runbooks for everything but the deliberate gaps, and a handover with gaps worth showing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from atlas.catalog.lint import lint
from atlas.catalog.loader import load_catalog
from atlas.emulators.gcp.filters import parse_log_filter
from atlas.graph import CatalogGraph
from atlas.health.specs import signals_of

ROOT = Path(__file__).resolve().parents[2]

CHAIN = ["example-gen", "statistics-gen", "data-validation", "transform", "trainer", "evaluator",
         "infra-validator", "pusher"]

# DOMAIN.md's table: id -> (kind, depends_on, owner)
DOMAIN = {
    "clickstream-raw": ("pubsub_topic", {"event-logger"}, "data-eng"),
    "clickstream-raw-df": ("pubsub_subscription", {"clickstream-raw"}, "data-eng"),
    "clickstream-raw-dlq": ("pubsub_subscription", {"clickstream-raw-df"}, "data-eng"),
    "catalog-updates": ("pubsub_topic", set(), "data-eng"),
    "catalog-updates-df": ("pubsub_subscription", {"catalog-updates"}, "data-eng"),
    "impressions": ("pubsub_topic", {"event-logger"}, "serving-platform"),
    "impressions-df": ("pubsub_subscription", {"impressions"}, "data-eng"),
    "clickstream-sessionizer": ("dataflow_job", {"clickstream-raw-df", "impressions-df"}, "data-eng"),
    "catalog-enricher": ("dataflow_job", {"catalog-updates-df"}, "data-eng"),
    "feature-backfill": ("dataflow_job", {"daily_feature_build", "events"}, "feature-eng"),
    "training-data-export": ("dataflow_job", {"events", "features"}, "feature-eng"),
    "recs-data-prod": ("composer_environment", set(), "data-eng"),
    "daily_feature_build": ("composer_dag", {"recs-data-prod", "user-aggregates-hourly", "item-popularity-daily"},
                            "feature-eng"),
    "training_snapshot": ("composer_dag", {"recs-data-prod", "training-data-export"}, "feature-eng"),
    "bq_quality_checks": ("composer_dag", {"recs-data-prod", "events"}, "data-eng"),
    "events": ("bigquery_dataset", {"clickstream-sessionizer"}, "data-eng"),
    "features": ("bigquery_dataset", {"feature-backfill", "user-aggregates-hourly"}, "feature-eng"),
    "user-aggregates-hourly": ("bigquery_scheduled_query", {"events"}, "feature-eng"),
    "item-popularity-daily": ("bigquery_scheduled_query", {"events"}, "feature-eng"),
    "item-embeddings-weekly": ("dataproc_job", {"events"}, "ranking-science"),
    "nw-recs-landing": ("gcs_bucket", set(), "data-eng"),
    "nw-recs-training-data": ("gcs_bucket", {"training-data-export"}, "feature-eng"),
    "recs-online-store": ("feature_online_store", {"features"}, "feature-eng"),
    "user-features-view": ("feature_view", {"features", "recs-online-store"}, "feature-eng"),
    "kfp-prod": ("gke_cluster", set(), "ml-platform"),
    "nw-recs-pipeline-root": ("gcs_bucket", set(), "ml-platform"),
    "ranker-training": ("kubeflow_pipeline", {"nw-recs-training-data", "kfp-prod", "nw-recs-pipeline-root"},
                        "ml-platform"),
    "ranker-training-nightly": ("kubeflow_recurring_run", {"ranker-training", "training_snapshot"},
                                "ranking-science"),
    "retrieval-two-tower-weekly": ("kubeflow_recurring_run", {"ranker-training", "nw-recs-training-data"},
                                   "ranking-science"),
    "ranker": ("model", {"pusher"}, "ranking-science"),
    "retrieval-two-tower": ("model", {"retrieval-two-tower-weekly"}, "ranking-science"),
    "serving-prod": ("gke_cluster", set(), "serving-platform"),
    "grpc-edge": ("envoy_gateway", {"serving-prod"}, "serving-platform"),
    "recs-api": ("grpc_service", {"grpc-edge", "retrieval-svc", "ranker-svc", "feature-fetcher"}, "serving-platform"),
    "retrieval-svc": ("grpc_service", {"retrieval-two-tower", "feature-fetcher"}, "serving-platform"),
    "ranker-svc": ("grpc_service", {"ranker", "feature-fetcher"}, "ranking-science"),
    "feature-fetcher": ("grpc_service", {"feature-cache", "recs-online-store"}, "feature-eng"),
    "feature-cache": ("redis_instance", {"user-features-view"}, "serving-platform"),
    "event-logger": ("grpc_service", set(), "serving-platform"),
    "explain-svc": ("grpc_service", {"ranker"}, "ranking-science"),
    "recs-admin": ("grpc_service", {"recs-api"}, "serving-platform"),
    "model-sync": ("k8s_cronjob", {"ranker", "ranker-svc"}, "ml-platform"),
}
for _prev, _step in zip(["ranker-training-nightly", *CHAIN], CHAIN):
    DOMAIN[_step] = ("pipeline_component", {_prev},
                     "ranking-science" if _step in ("trainer", "evaluator") else "ml-platform")

# The deliberate gaps: what `atlas lint` must show on the sample, and nothing else.
NO_RUNBOOK = {"item-embeddings-weekly", "model-sync", "recs-admin", "catalog-enricher", "clickstream-raw-dlq",
              "explain-svc"}
NO_SIGNALS = {"nw-recs-landing", "nw-recs-training-data", "nw-recs-pipeline-root", "recs-online-store",
              "user-features-view", "ranker-training"}


@pytest.fixture(scope="module")
def sample():
    result = load_catalog(ROOT / "catalog")
    assert result.ok, [p.format() for p in result.problems if p.severity == "error"]
    return result.catalog


def test_every_domain_component_is_there_with_its_kind_wiring_and_owner(sample):
    assert set(sample.components) == set(DOMAIN)
    wrong = {cid: (c.kind, set(c.depends_on), c.owner) for cid, c in sample.components.items()
             if (c.kind, set(c.depends_on), c.owner) != DOMAIN[cid]}
    assert wrong == {}


def test_variants_schedules_and_systems_follow_the_domain(sample):
    c = sample.components
    assert c["clickstream-raw-dlq"].mode == "dead_letter"
    assert {c[i].mode for i in ("clickstream-sessionizer", "catalog-enricher")} == {"streaming"}
    assert {c[i].mode for i in ("feature-backfill", "training-data-export")} == {"batch"}
    assert {c[i].mode for i in ("recs-api", "retrieval-svc", "ranker-svc", "feature-fetcher")} == {"gke"}
    assert {c[i].mode for i in ("event-logger", "explain-svc", "recs-admin")} == {"cloud_run"}
    assert c["daily_feature_build"].schedule == "0 1 * * *"
    assert c["training_snapshot"].schedule == "0 2 * * *"
    assert c["ranker-training-nightly"].schedule == "0 0 3 * * *"  # Kubeflow: six fields
    assert c["retrieval-two-tower-weekly"].schedule == "0 0 4 * * 1"
    systems = {s.id: (s.order, s.project) for s in sample.systems.values()}
    assert systems["data-pipelines"] == (1, "nw-recs-data-prod")
    assert systems["training"] == (2, "nw-recs-ml-prod")
    assert systems["serving"] == (3, "nw-recs-serving-prod")
    assert {r.github for r in sample.repos.values()} == {"nw-recs/data-pipelines", "nw-recs/training",
                                                         "nw-recs/serving"}
    assert {p.region for p in sample.projects.values()} == {"us-central1"}
    assert sample.demo and sample.demo_scenario == "scenarios/nw-recs.toml"


def test_lint_shows_exactly_the_deliberate_gaps(sample):
    found = {(p.code, p.entity) for p in lint(sample, CatalogGraph(sample))}
    expected = (
        {("no-runbook", f"component {cid}") for cid in NO_RUNBOOK}
        | {("no-signals", f"component {cid}") for cid in NO_SIGNALS}
        | {("orphan", "component nw-recs-landing"), ("no-oncall", "team ranking-science")}
    )
    assert found == expected


def test_every_signal_of_every_component_resolves_to_a_query(sample):
    problems = [s.problem for comp in sample.components.values() for s in signals_of(sample, comp) if s.problem]
    assert problems == []
    # the dead-letter subscription is judged on its backlog, not on the age that grows by design
    assert [s.id for s in sample.signals_for(sample.components["clickstream-raw-dlq"])] == ["pubsub-dlq-undelivered"]


def test_thresholds_are_the_domain_defaults(sample):
    sig = sample.signals
    assert (sig["grpc-error-ratio"].warn, sig["grpc-error-ratio"].crit, sig["grpc-error-ratio"].unit) == (1, 5, "%")
    assert sig["grpc-error-ratio"].ratio_bad == ("OK",) and sig["grpc-error-ratio"].ratio_bad_mode == "exclude"
    assert sig["run-5xx-ratio"].ratio_bad == ("5xx",) and sig["run-5xx-ratio"].ratio_bad_mode == "include"
    assert (sig["pubsub-oldest-unacked"].warn, sig["pubsub-oldest-unacked"].crit) == (300, 900)
    assert (sig["model-freshness"].warn, sig["model-freshness"].crit) == (129600, 259200)  # 1.5x / 3x a day
    dag = sig["composer-dag-failed-runs"]
    assert (dag.metric_labels, dag.aligner, dag.alignment_period) == ({"state": "failed"}, "ALIGN_SUM", 3600)


def test_every_log_filter_is_one_cloud_logging_accepts(sample):
    filters = [sample.log_filter_for(c) + " AND severity>=ERROR" for c in sample.components.values()]
    filters += [s.log_filter for c in sample.components.values() for s in signals_of(sample, c) if s.log_filter]
    assert all("{" not in f for f in filters)
    for f in filters:
        parse_log_filter(f)  # raises on a term the emulator (like Cloud Logging) would reject
    assert all(sample.log_filter_for(c) for c in sample.components.values())  # every component has recent errors


def test_every_runbook_exists_and_tells_who_to_call(sample):
    for comp in sample.components.values():
        if comp.id in NO_RUNBOOK:
            assert comp.runbook is None
            continue
        text = sample.runbook_path(comp).read_text(encoding="utf-8")
        assert text.startswith("# "), comp.runbook
        assert "## Escalation" in text and "```" in text, comp.runbook
        assert sample.teams[comp.owner].chat in text, (comp.id, comp.runbook)


def test_runbook_links_point_at_files_and_headings_that_exist():
    runbooks = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "runbooks").glob("*.md")}

    def slugs(text):
        return {re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-")
                for h in re.findall(r"^#+ (.+)$", text, re.M)}

    for name, text in runbooks.items():
        for target, anchor in re.findall(r"\]\(([a-z0-9-]*\.md)?(?:#([a-z0-9-]+))?\)", text):
            page = runbooks.get(target or name)
            assert page is not None, (name, target)
            if anchor:
                assert anchor in slugs(page), (name, target, anchor)


def test_the_ranker_svc_runbook_covers_an_incident_end_to_end(sample):
    text = sample.runbook_path(sample.components["ranker-svc"]).read_text(encoding="utf-8")
    for must in ("prometheus.googleapis.com/grpc_server_handled_total/counter", "kubectl -n recs rollout status",
                 "logs/query;query=", "project=nw-recs-serving-prod", "feature-backfill", "rollout undo",
                 "| Signal |"):
        assert must in text, must


def test_the_handover_has_real_gaps_to_show(sample):
    comps = sample.components.values()
    with_handover = [c for c in comps if c.handover]
    assert len(with_handover) >= 0.9 * len(sample.components)
    assert {c.handover.stage for c in with_handover} == {"planned", "shadowing", "reverse-shadowing", "owned"}
    dates = [c.handover.support_until for c in with_handover]
    assert min(dates) >= dt.date(2026, 12, 15) and max(dates) <= dt.date(2027, 3, 31)
    old_team = {p.id for p in sample.people.values() if p.team == "recs-core"}
    assert 2 <= len(old_team) <= 3 and not sample.teams["recs-core"].new_owner
    assert {c.handover.contact for c in with_handover} <= old_team
    assert 12 <= len(sample.people) <= 16
    single = {c.id for c in with_handover if len(c.handover.knowledge) == 1}
    assert len(single) >= 5 and "feature-backfill" in single
    fb = sample.components["feature-backfill"].handover
    assert fb.knowledge == {"jonas": "can-debug"} and fb.support_until == dt.date(2026, 12, 15)
    assert [t.id for t in sample.teams.values() if t.new_owner and not t.oncall] == ["ranking-science"]
