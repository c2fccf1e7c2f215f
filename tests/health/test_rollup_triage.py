"""Roll-up (worst wins) and root-cause triage on small cascades built in code."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.graph import CatalogGraph
from atlas.health.model import ComponentHealth, SignalStatus, Status
from atlas.health.report import health_table, triage_text
from atlas.health.rollup import NO_SIGNALS, component_health, system_rollup, worst
from atlas.health.triage import flatten, triage

from .builders import job, lag_signal, make_catalog


def sig(cid, name, status, reason=""):
    return SignalStatus(component=cid, name=name, status=status, reason=reason or f"{name} is {status.value}")


def test_component_takes_the_worst_signal_and_its_reason():
    h = component_health("j", [sig("j", "a", Status.OK), sig("j", "b", Status.CRIT, "lag 412 s > crit 300 s"),
                               sig("j", "c", Status.WARN)])
    assert (h.status, h.reason) == (Status.CRIT, "lag 412 s > crit 300 s")
    assert component_health("j", [sig("j", "a", Status.OK), sig("j", "b", Status.ERROR)]).status is Status.ERROR
    assert component_health("j", []).reason == NO_SIGNALS


def test_a_healthy_component_says_all_signals_ok_not_one_signals_threshold():
    h = component_health("svc", [sig("svc", "restarts", Status.OK, "restarts 0 (warn above 0)"),
                                 sig("svc", "p99", Status.OK)])
    assert (h.status, h.reason) == (Status.OK, "all 2 signals OK")
    one = component_health("svc", [sig("svc", "lag", Status.OK, "system_lag 12 s, 1 min ago")])
    assert one.reason == "system_lag 12 s, 1 min ago"  # a single signal's value is worth showing


def test_systems_roll_up_and_unmonitored_components_do_not_grey_them():
    cat = make_catalog([job("a"), job("b"), job("c")], [lag_signal()])
    cat.components["c"].system = "serving"
    comps = {
        "a": component_health("a", [sig("a", "x", Status.WARN)]),
        "b": component_health("b", [sig("b", "x", Status.OK)]),
        "c": component_health("c", []),
    }
    assert system_rollup(cat, comps) == {"pipes": Status.WARN, "serving": Status.NO_DATA}



def test_each_system_shows_its_worst_monitored_component_in_any_order():
    # Ported from the graph's former duplicate roll-up: health's is the one the product uses.
    cat = make_catalog([job("a"), job("b"), job("c"), job("d")], [lag_signal()])
    cat.components["c"].system = cat.components["d"].system = "serving"
    comps = {
        "a": component_health("a", [sig("a", "x", Status.CRIT)]),
        "b": component_health("b", [sig("b", "x", Status.OK)]),
        "c": component_health("c", [sig("c", "x", Status.STALE)]),
        "d": component_health("d", [sig("d", "x", Status.OK)]),
    }
    assert system_rollup(cat, comps) == {"pipes": Status.CRIT, "serving": Status.STALE}
    assert system_rollup(cat, dict(reversed(comps.items()))) == {"pipes": Status.CRIT, "serving": Status.STALE}


def test_a_monitored_component_without_data_greys_its_system_but_a_failed_query_outranks_it():
    # A signal that returned nothing is a reading ("we looked and saw nothing"), unlike a
    # component that declares no signals at all, which does not count.
    cat = make_catalog([job("a"), job("b")], [lag_signal()])
    comps = {"a": component_health("a", [sig("a", "x", Status.OK)]),
             "b": component_health("b", [sig("b", "x", Status.NO_DATA)])}
    assert system_rollup(cat, comps)["pipes"] is Status.NO_DATA
    comps["a"] = component_health("a", [sig("a", "x", Status.ERROR)])
    assert system_rollup(cat, comps)["pipes"] is Status.ERROR


@settings(deadline=None)
@given(st.lists(st.sampled_from(list(Status))))
def test_worst_is_the_most_severe_status(statuses):
    result = worst(statuses)
    if not statuses:
        assert result is None
    else:
        assert result in statuses
        assert all(result.severity >= s.severity for s in statuses)

def cascade_catalog():
    """backfill -> features -> ranker -> ranker-svc -> recs-api, plus events feeding backfill,
    and an unrelated pair: noisy -> noisy-sink."""
    comps = [
        job("events", tier=1),
        job("feature-backfill", depends_on=["events"], runbook="runbooks/feature-backfill.md", owner="data-eng"),
        job("features", depends_on=["feature-backfill"]),
        job("ranker", depends_on=["features"], tier=1),
        job("ranker-svc", depends_on=["ranker"], owner="serving", tier=1),
        job("recs-api", depends_on=["ranker-svc"], owner="serving", tier=1),
        job("noisy", owner="serving", tier=3),
        job("noisy-sink", depends_on=["noisy"], tier=3),
    ]
    return make_catalog(comps, [lag_signal()])


def snapshot(statuses: dict[str, Status]) -> dict[str, ComponentHealth]:
    return {cid: ComponentHealth(cid, st, f"{cid} {st.value}", [sig(cid, "s", st)]) for cid, st in statuses.items()}


BASE = dict(events=Status.OK, **{"feature-backfill": Status.CRIT}, features=Status.STALE, ranker=Status.WARN,
            **{"ranker-svc": Status.OK, "recs-api": Status.OK, "noisy": Status.WARN, "noisy-sink": Status.OK})


def test_cascade_cause_on_top_with_its_symptoms_under_it_and_noise_separate():
    cat = cascade_catalog()
    items = triage(cat, CatalogGraph(cat), snapshot(BASE))
    assert [i.component for i in items] == ["feature-backfill", "noisy"]
    top = items[0]
    assert (top.role, top.status) == ("cause", Status.CRIT)
    assert [(s.component, s.hops, s.role) for s in top.symptoms] == [("features", 1, "symptom"), ("ranker", 2, "symptom")]
    assert top.at_risk == ["ranker-svc", "recs-api"]  # healthy now, stale next
    assert (top.owner, top.oncall, top.chat, top.runbook) == (
        "data-eng", "pagerduty:PD-DE", "#data-eng", "runbooks/feature-backfill.md")
    assert top.blast_radius == 4
    assert items[1].symptoms == [] and items[1].at_risk == ["noisy-sink"]
    assert [i.component for i in flatten(items)] == ["feature-backfill", "features", "ranker", "noisy"]


def test_errors_and_missing_data_upstream_do_not_hide_a_cause():
    cat = cascade_catalog()
    statuses = dict(BASE, events=Status.ERROR)
    assert triage(cat, CatalogGraph(cat), snapshot(statuses))[0].component == "feature-backfill"
    statuses = dict(BASE, events=Status.NO_DATA)
    assert triage(cat, CatalogGraph(cat), snapshot(statuses))[0].component == "feature-backfill"


def test_causes_rank_by_severity_then_blast_radius_then_tier():
    cat = cascade_catalog()
    graph = CatalogGraph(cat)
    # both WARN: the bigger blast radius (backfill: 4 downstream, noisy: 1) wins
    statuses = dict(BASE, **{"feature-backfill": Status.WARN, "features": Status.OK, "ranker": Status.OK})
    assert [i.component for i in triage(cat, graph, snapshot(statuses))] == ["feature-backfill", "noisy"]
    # a CRIT beats any blast radius
    statuses = dict(statuses, noisy=Status.CRIT)
    assert [i.component for i in triage(cat, graph, snapshot(statuses))] == ["noisy", "feature-backfill"]
    # same severity and radius: tier 1 first
    cat.components["noisy-sink"].depends_on = ()
    cat2 = make_catalog([job("a", tier=3), job("b", tier=1)], [lag_signal()])
    items = triage(cat2, CatalogGraph(cat2), snapshot({"a": Status.WARN, "b": Status.WARN}))
    assert [i.component for i in items] == ["b", "a"]


def test_a_symptom_below_two_causes_goes_under_the_nearest():
    comps = [job("far"), job("mid", depends_on=["far"]), job("near"), job("sink", depends_on=["mid", "near"])]
    cat = make_catalog(comps, [lag_signal()])
    cat.components["far"].depends_on = ()
    statuses = {"far": Status.CRIT, "mid": Status.OK, "near": Status.WARN, "sink": Status.STALE}
    items = triage(cat, CatalogGraph(cat), snapshot(statuses))
    by_id = {i.component: i for i in items}
    assert [s.component for s in by_id["near"].symptoms] == ["sink"]
    assert by_id["far"].symptoms == []


def test_a_failing_cycle_still_shows_up():
    comps = [job("a", depends_on=["b"]), job("b", depends_on=["a"])]
    cat = make_catalog(comps, [lag_signal()])
    items = triage(cat, CatalogGraph(cat), snapshot({"a": Status.WARN, "b": Status.WARN}))
    assert [i.component for i in flatten(items)] == ["a", "b"]


def test_nothing_failing_means_no_causes():
    cat = cascade_catalog()
    items = triage(cat, CatalogGraph(cat), snapshot({cid: Status.OK for cid in cat.components}))
    assert items == []
    assert triage_text(items) == "Nothing is failing: no probable cause to show.\n"


def test_text_views_put_the_worst_first_and_symptoms_under_causes():
    cat = cascade_catalog()
    comps = snapshot(BASE)
    table = health_table(comps.values()).splitlines()
    assert table[0] == "8 components: 1 CRIT, 2 WARN, 1 STALE, 4 OK"
    assert table[2].split() == ["CRIT", "feature-backfill", "feature-backfill", "CRIT"]
    assert table[3].split()[:2] == ["WARN", "noisy"]
    text = triage_text(triage(cat, CatalogGraph(cat), comps)).splitlines()
    assert text[0] == "2 probable causes, 2 symptoms"
    assert text[2].startswith("1. CRIT   feature-backfill")
    assert "on-call pagerduty:PD-DE" in text[3] and "runbook runbooks/feature-backfill.md" in text[3]
    assert text[4].strip() == "changes: unknown (not looked up)"  # no forge asked: not "nothing changed"
    assert text[5].strip().startswith("symptom STALE  features (1 hop down)  failing since: unknown")
    assert "   at risk (healthy for now, downstream): ranker-svc, recs-api" in text
