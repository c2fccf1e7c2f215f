"""A failing experiment in triage: the probable cause of its serving component's symptoms
when their onsets line up, and nothing more. Pure: statuses built in code."""

from __future__ import annotations

from atlas.graph import CatalogGraph
from atlas.health.model import ComponentHealth, Status
from atlas.health.triage import flatten, triage
from atlas.watch.causes import experiment_causes
from atlas.watch.model import Check, ExperimentWatch, WatchReport

from tests.health.builders import job, lag_signal, make_catalog

T0 = 1_796_000_000.0


def catalog():
    cat = make_catalog([job("ranker"), job("ranker-svc", depends_on=["ranker"]),
                        job("recs-api", depends_on=["ranker-svc"])], [lag_signal()])
    return cat, CatalogGraph(cat)


def health(statuses):
    return {cid: ComponentHealth(cid, st, f"{cid} {st.value}", since=since) for cid, (st, since) in statuses.items()}


def report(since: float) -> WatchReport:
    e = ExperimentWatch("exp-wide", "ranker", owner="ranking-science", component="ranker-svc",
                        checks=[Check("latency", Status.CRIT, "p99 latency in treatment 262 ms > guardrail 200 ms",
                                      since=since, arm="treatment")])
    return WatchReport(experiments=[e])


def test_the_experiment_is_the_cause_when_the_onsets_line_up():
    cat, graph = catalog()
    snap = health({"ranker": (Status.OK, None), "ranker-svc": (Status.WARN, T0 + 600),
                   "recs-api": (Status.WARN, T0 + 900)})
    items = triage(cat, graph, snap, now=T0 + 3600, extra_causes=experiment_causes(report(T0)))
    assert items[0].component == "experiment:exp-wide" and items[0].role == "cause"
    assert items[0].owner == "ranking-science"
    assert "p99 latency in treatment 262 ms" in items[0].reason
    assert [s.component for s in flatten(items)[1:]] == ["ranker-svc", "recs-api"]
    assert all(i.component != "ranker-svc" or i.role == "symptom" for i in flatten(items))


def test_a_finding_hours_apart_is_not_blamed():
    cat, graph = catalog()
    snap = health({"ranker": (Status.OK, None), "ranker-svc": (Status.WARN, T0 + 6 * 3600)})
    items = triage(cat, graph, snap, now=T0 + 7 * 3600, extra_causes=experiment_causes(report(T0)))
    assert [i.component for i in items] == ["ranker-svc"]


def test_an_upstream_failure_keeps_its_explanation():
    cat, graph = catalog()
    snap = health({"ranker": (Status.CRIT, T0 - 300), "ranker-svc": (Status.WARN, T0 + 60)})
    items = triage(cat, graph, snap, now=T0 + 3600, extra_causes=experiment_causes(report(T0)))
    assert items[0].component == "ranker"
    assert [s.component for s in items[0].symptoms] == ["ranker-svc"]
    assert all(not i.component.startswith("experiment:") for i in items)
