"""Backstage interop: export the catalog as `catalog-info.yaml` documents (the import is in
backstage_import.py).

Mapping: teams -> Group, people -> User, systems -> System, components -> Component, or
Resource for data and infrastructure (topics, subscriptions, datasets, buckets, clusters,
caches, feature stores). What Backstage has no field for (kind, runbook, project, labels,
handover) travels in `atlas/...` annotations, so an export imports back unchanged.
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterable

from atlas.catalog.model import Catalog, Component

API_VERSION = "backstage.io/v1alpha1"
ANN = "atlas/"  # annotation prefix for what Backstage has no field for
SLUG = "github.com/project-slug"

# atlas kind -> Backstage Resource spec.type
RESOURCE_TYPES: dict[str, str] = {
    "pubsub_topic": "pubsub-topic",
    "pubsub_subscription": "pubsub-subscription",
    "bigquery_dataset": "bigquery-dataset",
    "gcs_bucket": "gcs-bucket",
    "gke_cluster": "kubernetes-cluster",
    "composer_environment": "composer-environment",
    "redis_instance": "redis",
    "feature_online_store": "feature-store",
    "feature_view": "feature-view",
}
# atlas kind -> Backstage Component spec.type
COMPONENT_TYPES: dict[str, str] = {
    "grpc_service": "service",
    "envoy_gateway": "gateway",
    "dataflow_job": "dataflow-job",
    "composer_dag": "airflow-dag",
    "bigquery_scheduled_query": "scheduled-query",
    "dataproc_job": "dataproc-job",
    "kubeflow_pipeline": "ml-pipeline",
    "kubeflow_recurring_run": "ml-recurring-run",
    "pipeline_component": "ml-pipeline-step",
    "model": "ml-model",
    "k8s_cronjob": "cronjob",
}
class BackstageError(ValueError):
    """Bad input for import/export; the message names the file and document."""


# -- export ---------------------------------------------------------------------------


def backstage_kind(kind: str) -> str:
    return "Resource" if kind in RESOURCE_TYPES else "Component"


def _ref(kind: str, name: str) -> str:
    return f"{kind.lower()}:{name}"


def _meta(name: str, description: str = "", annotations: dict[str, str] | None = None,
          tags: Iterable[str] = (), title: str = "") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if title:
        meta["title"] = title
    if description:
        meta["description"] = description
    ann = {k: v for k, v in (annotations or {}).items() if v}
    if ann:
        meta["annotations"] = ann
    if tags:
        meta["tags"] = list(tags)
    return meta


def _component_doc(catalog: Catalog, comp: Component) -> dict[str, Any]:
    bkind = backstage_kind(comp.kind)
    repo = catalog.repos.get(comp.repo)
    ann = {
        ANN + "kind": comp.kind,
        ANN + "runbook": comp.runbook or "",
        ANN + "project": comp.project,
        ANN + "repo": comp.repo,
        SLUG: repo.github if repo else "",
        ANN + "mode": comp.mode,
        ANN + "schedule": comp.schedule,
        ANN + "tier": str(comp.tier) if comp.tier != 2 else "",
        ANN + "labels": json.dumps(comp.labels, sort_keys=True) if comp.labels else "",
        ANN + "signals": ",".join(comp.signals) if comp.signals is not None else "",
    }
    h = comp.handover
    if h is not None:
        ann.update({
            ANN + "previous-owner": h.previous_owner,
            ANN + "handover-stage": h.stage,
            ANN + "support-until": h.support_until.isoformat() if h.support_until else "",
            ANN + "handover-contact": h.contact,
            ANN + "knowledge": json.dumps(h.knowledge, sort_keys=True) if h.knowledge else "",
        })
    meta = _meta(comp.id, comp.description, ann, comp.tags)
    if comp.links:
        meta["links"] = [{"url": url, "title": title} for title, url in comp.links.items()]
    spec: dict[str, Any] = {
        "type": (RESOURCE_TYPES if bkind == "Resource" else COMPONENT_TYPES).get(comp.kind, comp.kind),
    }
    if bkind == "Component":
        spec["lifecycle"] = "production"
    spec["owner"] = _ref("Group", comp.owner) if comp.owner else "unknown"
    if comp.system:
        spec["system"] = comp.system
    deps = []
    for dep in comp.depends_on:
        up = catalog.components.get(dep)
        deps.append(_ref(backstage_kind(up.kind) if up else "Component", dep))
    if deps:
        spec["dependsOn"] = deps
    return {"apiVersion": API_VERSION, "kind": bkind, "metadata": meta, "spec": spec}


def export_documents(catalog: Catalog) -> list[dict[str, Any]]:
    """Groups, users, systems, then components in id order: stable output for diffs."""
    docs: list[dict[str, Any]] = []
    for team in sorted(catalog.teams.values(), key=lambda t: t.id):
        members = sorted(p.id for p in catalog.people.values() if p.team == team.id)
        ann = {ANN + "chat": team.chat, ANN + "oncall": team.oncall,
               ANN + "new-owner": "" if team.new_owner else "false"}
        spec: dict[str, Any] = {"type": "team", "children": []}
        if team.name:
            spec["profile"] = {"displayName": team.name}
        if members:
            spec["members"] = members
        docs.append({"apiVersion": API_VERSION, "kind": "Group", "metadata": _meta(team.id, annotations=ann),
                     "spec": spec})
    for person in sorted(catalog.people.values(), key=lambda p: p.id):
        profile = {k: v for k, v in (("displayName", person.name), ("email", person.email)) if v}
        spec = {"memberOf": [person.team] if person.team else []}
        if profile:
            spec = {"profile": profile, **spec}
        docs.append({"apiVersion": API_VERSION, "kind": "User",
                     "metadata": _meta(person.id, annotations={ANN + "chat": person.chat}), "spec": spec})
    for system in sorted(catalog.systems.values(), key=lambda s: (s.order, s.id)):
        ann = {ANN + "project": system.project, ANN + "order": str(system.order) if system.order else ""}
        spec = {"owner": _ref("Group", system.owner) if system.owner else "unknown"}
        docs.append({"apiVersion": API_VERSION, "kind": "System",
                     "metadata": _meta(system.id, system.description, ann, title=system.name), "spec": spec})
    for comp in sorted(catalog.components.values(), key=lambda c: c.id):
        docs.append(_component_doc(catalog, comp))
    return docs


def yaml_handler():
    from ruamel.yaml import YAML  # lazy: only the commands that need YAML pay for it

    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    y.sort_base_mapping_type_on_output = False  # keep apiVersion, kind, metadata, spec order
    y.allow_unicode = True
    return y


def export_yaml(catalog: Catalog) -> str:
    buf = io.StringIO()
    yaml_handler().dump_all(export_documents(catalog), buf)
    return buf.getvalue()
