"""Drift: where the catalog and the live project disagree.

- not-observed: a declared component whose labels match no live resource (no such Pub/Sub
  topic or subscription; no series of any of its signals' metrics in 24 h);
- unowned: a live topic or subscription that no component declares (a dead-letter topic
  counts as part of the subscription it serves);
- edge-not-declared: a live subscription's topic that the catalog does not list upstream.
Only what was actually asked can drift: a project or metric whose query failed is unknown.
"""

from __future__ import annotations

from atlas.catalog.model import Catalog
from atlas.discovery.compare import Drift
from atlas.discovery.model import Evidence, Findings, key_of

PUBSUB_KINDS = ("pubsub_topic", "pubsub_subscription")


def find_drift(findings: Findings, catalog: Catalog) -> list[Drift]:
    out: list[Drift] = []
    comps = catalog.components
    declared = {(c.kind, key_of(c.kind, c.labels, c.mode)): c.id for c in comps.values()}
    live_pubsub = {k: ev for k, ev in findings.observed.items() if k[0] in PUBSUB_KINDS}
    for comp in sorted(comps.values(), key=lambda c: c.id):
        key = key_of(comp.kind, comp.labels, comp.mode)
        if comp.kind in PUBSUB_KINDS:
            if f"{comp.kind}@{comp.project}" in findings.observed_kinds and (comp.kind, key) not in live_pubsub:
                what = "topic" if comp.kind == "pubsub_topic" else "subscription"
                out.append(Drift("not-observed", comp.id,
                                 f"{KEY(comp.kind)}={key or '(none)'} names no live {what} in {comp.project}",
                                 [Evidence("pubsub", f"pubsub list {comp.project}")]))
            continue
        asked, seen = [], False
        for sig in catalog.signals_for(comp):
            series = findings.series.get((comp.project, sig.metric_type, sig.resource_type))
            wanted = {n: comp.labels[n] for n in sig.resource_labels if n in comp.labels}
            if series is None or not wanted:
                continue
            asked.append(sig.metric_type)
            if any(all(s.get(n) == v for n, v in wanted.items()) for s in series):
                seen = True
                break
        if asked and not seen:
            labels = ", ".join(f"{n}={v}" for n, v in sorted(comp.labels.items()))
            out.append(Drift("not-observed", comp.id, f"labels {labels} match no series of {asked[0]} in 24 h",
                             [Evidence("monitoring", f"monitoring {comp.project} {m}") for m in asked]))
    dead_letter_topics = findings.dead_letter_topics
    for (kind, name), ev in sorted(live_pubsub.items()):
        if (kind, name) in declared or (kind == "pubsub_topic" and name in dead_letter_topics):
            continue
        what = "topic" if kind == "pubsub_topic" else "subscription"
        out.append(Drift("unowned", name, f"live {what} {name} that no catalog component declares", [ev]))
    for (up, down), edge in sorted(findings.edges.items()):
        if edge.evidence[0].source != "pubsub":
            continue
        u, d = declared.get(("pubsub_topic", up)), declared.get(("pubsub_subscription", down))
        if u and d and u not in comps[d].depends_on:
            out.append(Drift("edge-not-declared", d, f"live subscription {down} reads {up}, not in its depends_on",
                             list(edge.evidence)))
    return out


def KEY(kind: str) -> str:  # noqa: N802 - reads like the label it returns
    return "topic_id" if kind == "pubsub_topic" else "subscription_id"
