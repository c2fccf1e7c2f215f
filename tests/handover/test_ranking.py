"""Risks and actions on the sample product: the gaps it was given on purpose come out on top,
and the actions say concretely what to do, by whom, before when."""

from __future__ import annotations

import datetime as dt

import pytest

from atlas.catalog.loader import load_catalog
from atlas.graph import CatalogGraph
from atlas.handover.plan import build_plan
from atlas.handover.readiness import RunbookFile, new_team_knowledge
from atlas.handover.risks import blast_sizes, criticality
from tests.handover.conftest import TODAY
from tests.helpers import component, write_catalog

YESTERDAY = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc).timestamp()


def runbook_facts(catalog, committed_at):
    paths = {c.runbook for c in catalog.components.values() if c.runbook}
    return {p: RunbookFile(exists=(catalog.workspace / p).is_file(), committed_at=committed_at) for p in paths}


@pytest.fixture(params=["committed", "never-committed"])
def plan(request, sample):
    when = YESTERDAY if request.param == "committed" else None
    return build_plan(sample, CatalogGraph(sample), today=TODAY, runbooks=runbook_facts(sample, when))


def test_what_would_hurt_most_is_the_top_risk(plan, sample):
    """feature-backfill: tier 1, 27 downstream, support ending in 18 days, known by one
    person; a tier-3 leaf without a runbook stays listed, below it."""
    no_runbook = {cid for cid, c in sample.components.items() if not c.runbook}
    one_person = {cid for cid, c in sample.components.items()
                  if c.handover and c.handover.previous_owner and len(new_team_knowledge(sample, c)) == 1}
    assert no_runbook == {"clickstream-raw-dlq", "catalog-enricher", "explain-svc", "recs-admin",
                          "item-embeddings-weekly", "model-sync"}
    assert "feature-backfill" in one_person
    top = plan.risks[0]
    assert top.component == "feature-backfill", [r.component for r in plan.risks[:5]]
    assert top.why == "tier 1; 27 downstream; support ends in 18 d"
    ranked = [r.component for r in plan.risks]
    assert no_runbook <= set(ranked)  # every gap is still a risk
    leaf = plan.risk_of("recs-admin")
    assert leaf.tier == 3 and leaf.blast_radius == 0 and ranked.index("recs-admin") > 10


def test_failing_now_ranks_higher_and_says_so(sample):
    graph = CatalogGraph(sample)
    facts = runbook_facts(sample, YESTERDAY)
    calm = build_plan(sample, graph, today=TODAY, runbooks=facts, statuses={})
    failing = build_plan(sample, graph, today=TODAY, runbooks=facts, statuses={"model-sync": "CRIT"})
    before = [r.component for r in calm.risks].index("model-sync")
    after = [r.component for r in failing.risks].index("model-sync")
    assert after < before
    assert "failing now (CRIT)" in failing.risk_of("model-sync").why
    assert failing.health_read and not build_plan(sample, graph, today=TODAY, runbooks=facts).health_read


def test_risks_are_sorted_by_criticality_times_gap(plan):
    values = [r.value for r in plan.risks]
    assert values == sorted(values, reverse=True)
    for r in plan.risks:
        assert r.gap == 100 - r.score
        assert r.value == pytest.approx(r.criticality * (r.gap + 20))


def test_criticality_grows_with_tier_and_blast_radius():
    assert criticality(1, 0, 40) > criticality(2, 0, 40) > criticality(3, 0, 40) == 1.0
    assert criticality(3, 40, 40) == 3.0
    assert criticality(1, 40, 40) == 4.0
    assert criticality(2, 5, 0) == 1.5  # a catalog without edges
    assert criticality(3, 0, 40, days_left=12) == 2.0 and criticality(3, 0, 40, days_left=60) == 1.5
    assert criticality(3, 0, 40, days_left=-3) == 2.0  # ended: as urgent as it gets
    assert criticality(3, 0, 40, status="CRIT") == 2.0 and criticality(3, 0, 40, status="NO_DATA") == 1.0


def test_every_component_is_assessed_with_reasons(plan, sample):
    assert set(plan.readiness) == set(sample.components)
    for r in plan.readiness.values():
        assert 0 <= r.score <= 100
        assert all(rule.reason for rule in r.rules)


def test_actions_are_concrete_prioritised_and_dated(plan):
    texts = [a.text for a in plan.actions]
    assert "Write the runbook for model-sync: atlas runbook new model-sync" in texts
    assert "Pair with olga (recs-core) on feature-backfill before 2026-12-15 (18 days)" in texts
    route = [a for a in plan.actions if a.kind == "route-oncall"]
    assert len(route) == 1 and route[0].text.startswith("Route on-call for ranking-science (owns ")
    assert route[0].owner == "ranking-science" and "ranker-svc" in route[0].components
    signals = [a for a in plan.actions if a.kind == "add-signals"]
    assert "Add health signals to recs-online-store (no signal template for kind feature_online_store)" in \
        [a.text for a in signals]

    pair = next(a for a in plan.actions if a.component == "feature-backfill" and a.kind == "pair-before-support-ends")
    assert (pair.priority, pair.owner, pair.due, pair.days_left) == (1, "feature-eng", dt.date(2026, 12, 15), 18)
    assert [a.priority for a in plan.actions] == sorted(a.priority for a in plan.actions)
    # the first actions are the ones whose deadline is closest
    assert plan.actions[0].kind == "pair-before-support-ends"


def test_runbook_actions_follow_the_git_state(plan):
    reviews = [a for a in plan.actions if a.kind == "review-runbook"]
    fresh = all(r.rule("runbook-fresh").passed for r in plan.readiness.values() if r.rule("runbook").passed)
    if fresh:
        assert reviews == []
    else:  # one action per runbook file, however many components share it
        paths = [a.text.split(" ")[3] for a in reviews]
        assert len(paths) == len(set(paths))
        assert any("runbooks/ranker-training.md" == p for p in paths)
        assert all(a.priority == 3 for a in reviews)


def test_a_team_plan_covers_only_its_components_with_comparable_risks(sample):
    facts = runbook_facts(sample, YESTERDAY)
    whole = build_plan(sample, today=TODAY, runbooks=facts)
    mine = build_plan(sample, today=TODAY, runbooks=facts, team="feature-eng")
    assert {sample.components[c].owner for c in mine.readiness} == {"feature-eng"}
    assert {a.owner for a in mine.actions} == {"feature-eng"}
    value = {r.component: r.value for r in whole.risks}
    for r in mine.risks:
        assert r.value == pytest.approx(value[r.component])


def test_blast_sizes_match_a_walk_per_component(sample):
    graph = CatalogGraph(sample)
    sizes = blast_sizes(graph, sample.components)
    assert sizes == {cid: graph.blast_radius(cid).size for cid in sample.components}
    assert sizes["clickstream-raw"] > sizes["events"] > 0 and sizes["model-sync"] == 0


def test_blast_sizes_survive_a_dependency_cycle(tmp_path):
    root = write_catalog(tmp_path, [component("a", owner="t", depends_on=["c"]),
                                    component("b", owner="t", depends_on=["a"]),
                                    component("c", owner="t", depends_on=["b"]),
                                    component("d", owner="t", depends_on=["c"])])
    catalog = load_catalog(root).catalog  # the loader reports the cycle; the plan still works
    assert blast_sizes(CatalogGraph(catalog), catalog.components) == {"a": 3, "b": 3, "c": 3, "d": 0}
