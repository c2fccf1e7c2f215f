"""Triage that reads time: which failure began first decides cause and symptom, and every
symptom carries the checked chain from its cause. Snapshots are built in code with onset
times (`since`) relative to a frozen now."""

from __future__ import annotations

import json

import pytest

from atlas.graph import CatalogGraph
from atlas.health.model import ComponentHealth, SignalStatus, Status
from atlas.health.report import triage_text
from atlas.health.triage import flatten, triage

from .builders import NOW, job, lag_signal, make_catalog

H = 3600.0


def snap(states: dict[str, tuple[Status, float | None]]) -> dict[str, ComponentHealth]:
    """{id: (status, minutes-ago of onset or None)} -> ComponentHealth with `since`."""
    out = {}
    for cid, (status, since) in states.items():
        sig = SignalStatus(cid, "s", status, f"{cid} is {status.value}", since=since)
        out[cid] = ComponentHealth(cid, status, f"{cid} is {status.value}", [sig], since=since)
    return out


def chain_catalog(*ids: str, extra=()):
    comps = [job(ids[0])] + [job(c, depends_on=[p]) for p, c in zip(ids, ids[1:])] + list(extra)
    cat = make_catalog(comps, [lag_signal()])
    return cat, CatalogGraph(cat)


def roles(items):
    return {i.component: i.role for i in flatten(items)}


def test_an_unrelated_warn_upstream_that_began_later_keeps_the_crit_a_cause():
    cat, graph = chain_catalog("cache-warmer", "ranker-svc")
    items = triage(cat, graph, snap({"cache-warmer": (Status.WARN, NOW - 10 * 60),
                                     "ranker-svc": (Status.CRIT, NOW - 2 * H)}))
    assert roles(items) == {"cache-warmer": "cause", "ranker-svc": "cause"}
    assert items[0].component == "ranker-svc"  # the CRIT first
    assert items[0].symptoms == [] and items[1].symptoms == []


def test_the_same_warn_when_it_began_first_explains_the_crit():
    cat, graph = chain_catalog("cache-warmer", "ranker-svc")
    items = triage(cat, graph, snap({"cache-warmer": (Status.WARN, NOW - 2 * H),
                                     "ranker-svc": (Status.CRIT, NOW - 10 * 60)}))
    assert [i.component for i in items] == ["cache-warmer"]
    (symptom,) = items[0].symptoms
    assert symptom.component == "ranker-svc" and symptom.role == "symptom"
    assert [h.checks for h in symptom.path] == [("pass", "pass", "pass")]


def test_a_component_failing_before_its_upstream_is_its_own_cause_and_each_says_for_how_long():
    # the demo's story: the ranker model went stale 57 h ago; feature-backfill failed 3 h ago
    cat, graph = chain_catalog("feature-backfill", "features", "ranker", "ranker-svc")
    items = triage(cat, graph, snap({
        "feature-backfill": (Status.CRIT, NOW - 3 * H),
        "features": (Status.WARN, NOW - 2.5 * H),
        "ranker": (Status.STALE, NOW - 57 * H),
        "ranker-svc": (Status.OK, None),
    }))
    assert [(i.component, i.role) for i in items] == [("feature-backfill", "cause"), ("ranker", "cause")]
    assert [s.component for s in items[0].symptoms] == ["features"]
    assert items[1].symptoms == [] and items[1].at_risk == ["ranker-svc"]
    text = triage_text(items, now=NOW)
    assert "feature-backfill  failing for 3 h" in text
    assert "features (1 hop down)  failing for 2.5 h" in text
    assert "ranker  failing for 2.4 d" in text


def test_a_downstream_onset_within_the_ingestion_tolerance_is_still_a_symptom():
    cat, graph = chain_catalog("sessionizer", "events")
    states = {"sessionizer": (Status.CRIT, NOW - 600), "events": (Status.WARN, NOW - 600 - 120)}
    items = triage(cat, graph, snap(states))
    assert [s.component for s in items[0].symptoms] == ["events"]
    assert roles(triage(cat, graph, snap(states), tolerance=60)) == {"sessionizer": "cause", "events": "cause"}


def test_a_symptom_whose_chain_fails_a_check_is_unexplained_not_folded():
    # a failed 3 h ago; b only 10 min ago; c 2 h ago: c is below an earlier failure (a) but
    # the only way down runs through b, which began after c
    cat, graph = chain_catalog("a", "b", "c")
    items = triage(cat, graph, snap({"a": (Status.CRIT, NOW - 3 * H), "b": (Status.WARN, NOW - 600),
                                     "c": (Status.WARN, NOW - 2 * H)}))
    assert roles(items) == {"a": "cause", "b": "symptom", "c": "unexplained"}
    assert [s.component for s in items[0].symptoms] == ["b"]
    unexplained = items[-1]
    assert [(h.upstream, h.downstream, h.checks) for h in unexplained.path] == [
        ("a", "b", ("pass", "pass", "pass")), ("b", "c", ("pass", "pass", "fail"))]
    text = triage_text(items, now=NOW)
    assert text.splitlines()[0] == "1 probable cause, 1 symptom, 1 unexplained"
    assert "path: a -> b -> c; upstream onset first FAILED at b -> c" in text
    data = unexplained.to_json()
    assert data["role"] == "unexplained" and data["cause"] == "a"
    assert data["path"][1]["checks"] == {"follows_graph": "pass", "node_deviates": "pass", "upstream_onset_first": "fail"}


def test_a_healthy_component_in_between_breaks_the_chain():
    cat, graph = chain_catalog("a", "ok", "c")
    items = triage(cat, graph, snap({"a": (Status.CRIT, NOW - 3 * H), "ok": (Status.OK, None),
                                     "c": (Status.WARN, NOW - H)}))
    assert roles(items) == {"a": "cause", "c": "cause"}


def test_a_component_without_data_carries_the_chain_with_an_unknown_check():
    cat, graph = chain_catalog("a", "blind", "c")
    items = triage(cat, graph, snap({"a": (Status.CRIT, NOW - 3 * H), "blind": (Status.NO_DATA, None),
                                     "c": (Status.WARN, NOW - H)}))
    (symptom,) = items[0].symptoms
    assert symptom.hops == 2
    assert [h.checks for h in symptom.path] == [("pass", "unknown", "unknown"), ("pass", "pass", "pass")]
    assert "path: a -> blind -> c; deviates unknown at a -> blind" in triage_text(items, now=NOW)


def test_without_onset_times_the_order_check_says_unknown_never_pass():
    cat, graph = chain_catalog("a", "b")
    items = triage(cat, graph, snap({"a": (Status.CRIT, None), "b": (Status.WARN, None)}))
    (symptom,) = items[0].symptoms
    assert symptom.path[0].upstream_onset_first == "unknown"
    assert "failing since: unknown" in triage_text(items, now=NOW)


def test_causes_rank_by_evidence_symptoms_severity_freshness_and_a_change_before_onset():
    cat, graph = chain_catalog("a", "a2", extra=[job("old"), job("fresh"), job("crit")])
    states = {"a": (Status.WARN, NOW - 5 * H), "a2": (Status.WARN, NOW - 4 * H),
              "old": (Status.WARN, NOW - 3 * 24 * H), "fresh": (Status.WARN, NOW - 600),
              "crit": (Status.CRIT, NOW - 2 * 24 * H)}
    items = triage(cat, graph, snap(states), now=NOW)
    # a explains a2; fresh began 10 min ago; crit is CRIT but two days old; old is background
    assert [i.component for i in items] == ["a", "fresh", "crit", "old"]
    assert items[0].points == {"severity": 1.0, "symptoms": 0.5, "change": 0.0, "fresh": pytest.approx(2 * 19 / 24), "tier": 0.25}
    assert items[0].to_json()["rank_points"]["symptoms"] == 0.5
    # a change merged before its onset is evidence too
    from atlas.health.changes import Change
    from atlas.health.triage import rank_causes

    items[1].changes = [Change("o/r", 7, "bump", "kwame", NOW - 700, "u")]
    assert [i.component for i in rank_causes(items, NOW)][:2] == ["fresh", "a"]
    # without a clock, freshness cannot be told: crit and a tie on 2 points, the earlier first
    assert [i.component for i in triage(cat, graph, snap(states))] == ["crit", "a", "old", "fresh"]


def test_json_of_a_cause_and_a_symptom_carries_since_changes_and_the_checked_path():
    cat, graph = chain_catalog("a", "b")
    items = triage(cat, graph, snap({"a": (Status.CRIT, 1_790_000_000.0 - 3 * H), "b": (Status.WARN, NOW - 600)}))
    data = json.loads(json.dumps(items[0].to_json()))
    assert data["since"] == "2026-09-21T11:13:20Z"
    assert data["changes"] == [] and data["changes_note"] == "not looked up"
    sym = data["symptoms"][0]
    assert sym["since"] == "2026-09-21T14:03:20Z"
    assert sym["path"] == [{"from": "a", "to": "b", "checks": {
        "follows_graph": "pass", "node_deviates": "pass", "upstream_onset_first": "pass"}, "relation": "depends_on"}]


def test_a_failing_cycle_with_onsets_promotes_its_earliest_member():
    comps = [job("a", depends_on=["b"]), job("b", depends_on=["a"])]
    cat = make_catalog(comps, [lag_signal()])
    items = triage(cat, CatalogGraph(cat), snap({"a": (Status.WARN, NOW - 60), "b": (Status.WARN, NOW - 120)}))
    # within the tolerance of each other, neither is "first": the earlier one leads
    assert [(i.component, i.role) for i in flatten(items)] == [("b", "cause"), ("a", "symptom")]
