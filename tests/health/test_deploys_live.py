"""Deploys before a cause's onset, read from GKE's Kubernetes audit log through the real
Logging client and the loopback emulator: the changes no pull request shows."""

from __future__ import annotations

from atlas.catalog.model import Component, LogFilterTemplate
from atlas.health.clients import Clients, make_clients
from atlas.health.deploys import DeployReader
from atlas.health.model import Status
from atlas.health.report import evidence_lines
from atlas.health.triage import TriageItem

from .builders import NOW, make_catalog
from .live import start_emulator

ONSET = NOW - 3600

DEPLOYS = LogFilterTemplate(
    kinds=("grpc_service",), filter='resource.type="k8s_container"',
    deploys=('logName="projects/{project}/logs/cloudaudit.googleapis.com%2Factivity" AND resource.type="k8s_cluster" '
             'AND resource.labels.cluster_name="{cluster_name}" AND protoPayload.methodName="io.k8s.apps.v1.deployments.patch" '
             'AND protoPayload.resourceName="apps/v1/namespaces/{namespace_name}/deployments/{container_name}"'))

SCENARIO = """
[scenario]
name = "deploys"
project = "proj-b"

[[log]]        # ranker-svc rolled out 80 min ago (20 min before its onset)
at = "-80m"
severity = "NOTICE"
log_name = "cloudaudit.googleapis.com/activity"
resource_type = "k8s_cluster"
resource_labels = { cluster_name = "serving-prod", location = "us-central1" }
proto = { serviceName = "k8s.io", methodName = "io.k8s.apps.v1.deployments.patch", resourceName = "apps/v1/namespaces/recs/deployments/ranker-svc", authenticationInfo = { principalEmail = "deployer@proj-b.iam.gserviceaccount.com" } }

[[log]]        # the same rollout two days ago: outside the 24 h window
at = "-50h"
severity = "NOTICE"
log_name = "cloudaudit.googleapis.com/activity"
resource_type = "k8s_cluster"
resource_labels = { cluster_name = "serving-prod", location = "us-central1" }
proto = { serviceName = "k8s.io", methodName = "io.k8s.apps.v1.deployments.patch", resourceName = "apps/v1/namespaces/recs/deployments/ranker-svc" }

[[log]]        # another Deployment, and a read of this one: neither is its deploy
at = "-70m"
severity = "NOTICE"
log_name = "cloudaudit.googleapis.com/activity"
resource_type = "k8s_cluster"
resource_labels = { cluster_name = "serving-prod", location = "us-central1" }
proto = { serviceName = "k8s.io", methodName = "io.k8s.apps.v1.deployments.patch", resourceName = "apps/v1/namespaces/recs/deployments/recs-api" }

[[log]]
at = "-65m"
severity = "INFO"
log_name = "cloudaudit.googleapis.com/activity"
resource_type = "k8s_cluster"
resource_labels = { cluster_name = "serving-prod", location = "us-central1" }
proto = { serviceName = "k8s.io", methodName = "io.k8s.apps.v1.deployments.get", resourceName = "apps/v1/namespaces/recs/deployments/ranker-svc" }
"""


def service(cid: str) -> Component:
    return Component(id=cid, kind="grpc_service", system="serving", owner="serving", project="proj-b", mode="gke",
                     labels={"cluster_name": "serving-prod", "namespace_name": "recs", "container_name": cid})


def catalog():
    return make_catalog([service("ranker-svc"), service("recs-api")], [], log_filters=[DEPLOYS])


def cause(cid: str) -> TriageItem:
    return TriageItem(cid, Status.CRIT, "error ratio 7 % > crit 5 %", "cause", since=ONSET,
                      changes_note="", changes_scope="nw-recs/serving, 24 h before onset")


def test_the_rollout_before_the_onset_is_a_change_of_the_cause(tmp_path):
    emu = start_emulator(tmp_path, SCENARIO)
    try:
        clients = make_clients({"LOGGING_EMULATOR_HOST": emu.address}, monitoring=False)
        item = cause("ranker-svc")
        DeployReader(catalog(), lambda: clients).attach([item], NOW)
        (deploy,) = item.changes
        assert deploy.to_json() | {"merged_at": None, "url": None} == {
            "kind": "deploy", "repo": None, "number": None,
            "title": "patch apps/v1/namespaces/recs/deployments/ranker-svc",
            "author": "deployer@proj-b.iam.gserviceaccount.com", "merged_at": None, "url": None, "experiment": None}
        assert round(NOW - deploy.merged_at) == 80 * 60
        assert deploy.url.startswith("https://console.cloud.google.com/logs/query;query=logName%3D")
        assert item.deploys_scope == "Cloud Logging, 24 h before onset" and item.deploys_note == ""
        lines = [line for line, _ in evidence_lines(item, NOW)]
        assert lines[0] == ("changed before: deploy 'patch apps/v1/namespaces/recs/deployments/ranker-svc' made 20 min "
                            "before onset, by deployer@proj-b.iam.gserviceaccount.com (Cloud Logging)")
        assert lines[1] == "changes: no pull request merged (nw-recs/serving, 24 h before onset)"
        reader = DeployReader(catalog(), lambda: clients)
        calls = emu.calls["ListLogEntries"]
        for _ in range(2):  # its window closed long ago: read once a session
            again = cause("ranker-svc")
            reader.attach([again], NOW)
            assert [c.title for c in again.changes] == ["patch apps/v1/namespaces/recs/deployments/ranker-svc"]
        assert emu.calls["ListLogEntries"] == calls + 1
        other = cause("recs-api")  # its rollout came 10 min after its onset's slack: not before it
        other.since = NOW - 2 * 3600
        DeployReader(catalog(), lambda: clients).attach([other], NOW)
        assert other.changes == [] and "deploys: none (Cloud Logging, 24 h before onset)" in [
            line for line, _ in evidence_lines(other, NOW)]
    finally:
        emu.stop()


def test_without_logging_the_deploys_are_unknown_not_none():
    item = cause("ranker-svc")
    DeployReader(catalog(), lambda: Clients(logging_problem="no Google credentials")).attach([item], NOW)
    assert item.changes == [] and item.deploys_note == "no Google credentials"
    assert "deploys: unknown (no Google credentials)" in [line for line, _ in evidence_lines(item, NOW)]
    assert item.to_json()["deploys_note"] == "no Google credentials"


def test_a_kind_without_a_deploy_filter_is_not_searched_and_says_only_prs_were():
    cat = catalog()
    cat.log_filters = [LogFilterTemplate(kinds=("grpc_service",), filter='resource.type="k8s_container"')]
    item = cause("ranker-svc")
    DeployReader(cat, lambda: Clients(logging_problem="unused")).attach([item], NOW)
    assert item.deploys_scope == "" and "deploys_scope" not in item.to_json()
    assert not any(line.startswith("deploys") for line, _ in evidence_lines(item, NOW))


def test_a_filter_the_api_rejects_or_a_label_missing_is_unknown_not_none(tmp_path):
    emu = start_emulator(tmp_path, SCENARIO)
    try:
        clients = make_clients({"LOGGING_EMULATOR_HOST": emu.address}, monitoring=False)
        cat = catalog()
        cat.log_filters = [LogFilterTemplate(kinds=("grpc_service",), filter='resource.type="k8s_container"',
                                             deploys='protoPayload.methodName="a" OR protoPayload.methodName="b"')]
        item = cause("ranker-svc")
        DeployReader(cat, lambda: clients).attach([item], NOW)
        assert item.changes == [] and item.deploys_note.startswith("Cloud Logging: query rejected on proj-b")
        unlabelled = catalog()
        unlabelled.components["ranker-svc"].labels.pop("container_name")
        calls = emu.calls["ListLogEntries"]
        item = cause("ranker-svc")
        DeployReader(unlabelled, lambda: clients).attach([item], NOW)
        assert item.deploys_note == ("its deploy filter's {container_name} has no value "
                                     "(add it under [component.labels])")
        assert emu.calls["ListLogEntries"] == calls  # a query that matches nothing is not made
    finally:
        emu.stop()


def test_lint_names_a_deploy_filter_placeholder_without_a_value():
    from atlas.catalog.lint import lint
    from atlas.graph import CatalogGraph

    cat = catalog()
    cat.components["ranker-svc"].labels.pop("container_name")
    warned = [p for p in lint(cat, CatalogGraph(cat)) if p.code == "unfilled-placeholder"]
    assert [(p.entity, p.message) for p in warned] == [
        ("component ranker-svc", "deploy filter placeholder {container_name} has no value: the query would match nothing")]
