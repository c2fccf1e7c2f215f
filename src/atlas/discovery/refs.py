"""Recognise the GCP resources and Kubernetes Services a string names.

Artifacts name their neighbours in strings: an env var holding a topic path, a flag holding
`feature-fetcher.recs.svc:50051`, a job parameter holding `project:dataset.table`. Each
pattern follows the resource name format Google documents for that API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# projects/P/topics/T (Pub/Sub resource names: https://cloud.google.com/pubsub/docs/pubsub-basics)
_TOPIC = re.compile(r"projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/topics/([A-Za-z][\w.~+%-]{2,254})")
_SUBSCRIPTION = re.compile(r"projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/subscriptions/([A-Za-z][\w.~+%-]{2,254})")
# Vertex AI model, Memorystore instance, feature online store / view
_MODEL = re.compile(r"projects/([\w-]+)/locations/([\w-]+)/models/([\w-]+)")
_REDIS = re.compile(r"(projects/([\w-]+)/locations/([\w-]+)/instances/([\w-]+))")
_STORE = re.compile(r"projects/([\w-]+)/locations/([\w-]+)/featureOnlineStores/([\w-]+)(?:/featureViews/([\w-]+))?")
_BUCKET = re.compile(r"gs://([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])")
# BigQuery tables: bq://p.d.t, p:d.t (Dataflow's form), `p.d.t`, d.t (in SQL)
_BQ_URI = re.compile(r"bq://([\w-]+)\.(\w+)\.(\w+)")
_BQ_COLON = re.compile(r"(?<![\w.-])([a-z][a-z0-9-]{4,28}[a-z0-9]):([A-Za-z_]\w*)(?:\.(\w+))?(?![\w.:-])")
# Kubernetes Service DNS: NAME.NAMESPACE.svc[.cluster.local|.clusterset.local][:port]
_SVC = re.compile(r"\b([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.[a-z.]+)?(:\d+)?\b")
# SQL: FROM/JOIN [`]project.dataset.table[`] or dataset.table
_SQL_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+`?(?:([\w-]+)\.)?(\w+)\.(\w+)`?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Ref:
    kind: str  # a catalog kind, or "k8s_service" for a Service address
    name: str
    labels: tuple[tuple[str, str], ...] = ()
    project: str = ""


def find_refs(text: str) -> list[Ref]:
    """Every resource a string names, in order of appearance (duplicates dropped)."""
    out: list[Ref] = []
    if not isinstance(text, str) or len(text) > 20_000:
        return out
    for m in _TOPIC.finditer(text):
        out.append(Ref("pubsub_topic", m.group(2), (("topic_id", m.group(2)),), m.group(1)))
    for m in _SUBSCRIPTION.finditer(text):
        out.append(Ref("pubsub_subscription", m.group(2), (("subscription_id", m.group(2)),), m.group(1)))
    for m in _MODEL.finditer(text):
        out.append(Ref("model", m.group(3), (("model", m.group(3)),), m.group(1)))
    for m in _REDIS.finditer(text):
        out.append(Ref("redis_instance", m.group(4), (("instance_id", m.group(1)),), m.group(2)))
    for m in _STORE.finditer(text):
        if m.group(4):
            out.append(Ref("feature_view", m.group(4), (("feature_view_id", m.group(4)),
                                                         ("feature_online_store_id", m.group(3))), m.group(1)))
        else:
            out.append(Ref("feature_online_store", m.group(3), (("feature_online_store_id", m.group(3)),), m.group(1)))
    for m in _BUCKET.finditer(text):
        out.append(Ref("gcs_bucket", m.group(1), (("bucket_name", m.group(1)),)))
    for m in _BQ_URI.finditer(text):
        out.append(Ref("bigquery_dataset", m.group(2), (("dataset_id", m.group(2)),), m.group(1)))
    if "://" not in text:
        for m in _BQ_COLON.finditer(text):
            out.append(Ref("bigquery_dataset", m.group(2), (("dataset_id", m.group(2)),), m.group(1)))
    for m in _SVC.finditer(text):
        out.append(Ref("k8s_service", m.group(1), (("namespace", m.group(3)),)))
    seen: set[tuple[str, str]] = set()
    unique = []
    for ref in out:
        if (ref.kind, ref.name) not in seen:
            seen.add((ref.kind, ref.name))
            unique.append(ref)
    return unique


def sql_datasets(sql: str) -> list[Ref]:
    """The datasets a query reads (FROM and JOIN); what it writes is not a read."""
    out, seen = [], set()
    if not isinstance(sql, str):
        return out
    for m in _SQL_TABLE.finditer(sql):
        dataset = m.group(2)
        if dataset not in seen:
            seen.add(dataset)
            out.append(Ref("bigquery_dataset", dataset, (("dataset_id", dataset),), m.group(1) or ""))
    return out
