"""Flapping: a value crossing its threshold on and off is background, not a fresh fault.
Statuses come from the real evaluator on series built in code (60 s points, frozen now)."""

from __future__ import annotations

from atlas.graph import CatalogGraph
from atlas.health import evaluate
from atlas.health.rollup import component_health
from atlas.health.series import shape
from atlas.health.specs import resolve
from atlas.health.triage import flatten, triage

from .builders import NOW, job, lag_signal, make_catalog

MIN = 60.0
FINE, WARN, CRIT = 10.0, 120.0, 900.0  # system_lag in s against warn 60, crit 300


def series(*runs: tuple[int, float]) -> list[tuple[float, float]]:
    """(minutes, value) runs, oldest first, ending now: the look-back's 60 points."""
    values = [v for minutes, v in runs for _ in range(minutes)]
    assert len(values) == 60
    return [(NOW - (59 - i) * MIN, v) for i, v in enumerate(values)]


def flapping_through_the_hour(last_run_minutes: int = 20) -> list[tuple[float, float]]:
    head = 60 - last_run_minutes
    runs = [(5, WARN), (5, FINE)] * (head // 10) + [(head % 10, FINE)] + [(last_run_minutes, WARN)]
    return series(*[r for r in runs if r[0]])


def health(cat, cid, pts):
    spec = resolve(lag_signal(), cat.components[cid])
    return component_health(cid, [evaluate.evaluate_points(spec, pts, NOW)])


def catalog(*comps):
    cat = make_catalog(list(comps), [lag_signal()])
    return cat, CatalogGraph(cat)


def test_a_flapping_warn_upstream_does_not_take_a_clean_crit_below_it_as_its_symptom():
    cat, graph = catalog(job("cache-warmer"), job("ranker-svc", depends_on=["cache-warmer"]))
    snap = {"cache-warmer": health(cat, "cache-warmer", flapping_through_the_hour(20)),
            "ranker-svc": health(cat, "ranker-svc", series((50, FINE), (10, CRIT)))}
    # the flapper's latest flip (20 min ago) came before the CRIT's step (10 min ago)
    assert snap["cache-warmer"].since < snap["ranker-svc"].since
    items = triage(cat, graph, snap, now=NOW)
    assert [(i.component, i.role) for i in flatten(items)] == [("ranker-svc", "cause"), ("cache-warmer", "cause")]
    assert items[0].points["fresh"] > 1.9 and items[1].points["fresh"] == 0.0
    assert items[0].to_json()["series"] == "step"
    warm = items[1].to_json()
    assert warm["series"] == "flapping" and warm["flapping_since"] is None  # began before the hour


def test_a_flapping_warn_whose_latest_flip_is_minutes_old_ranks_below_a_steady_warn_of_hours():
    cat, graph = catalog(job("chronic"), job("broken"))
    snap = {"chronic": health(cat, "chronic", flapping_through_the_hour(3)),
            "broken": health(cat, "broken", series((20, FINE), (40, WARN)))}
    items = triage(cat, graph, snap, now=NOW)
    assert [i.component for i in items] == ["broken", "chronic"]
    assert NOW - items[1].since <= 3 * MIN  # what `since` says: only the latest flip


def test_a_flapping_episode_that_began_in_the_window_is_dated_and_keeps_its_symptom():
    # fine for 35 min, then on and off: the episode began 25 min ago; its dependent turned
    # WARN 15 min ago, after the episode began but before the upstream's latest flip
    cat, graph = catalog(job("flaky"), job("reader", depends_on=["flaky"]))
    flaky = series((35, FINE), (5, WARN), (3, FINE), (5, WARN), (3, FINE), (9, WARN))
    snap = {"flaky": health(cat, "flaky", flaky), "reader": health(cat, "reader", series((45, FINE), (15, WARN)))}
    assert snap["flaky"].since > snap["reader"].since
    sh = shape(snap["flaky"])
    assert sh.flapping and sh.episode == NOW - 25 * MIN
    (cause,) = triage(cat, graph, snap, now=NOW)
    assert cause.component == "flaky" and [s.component for s in cause.symptoms] == ["reader"]
    assert [h.checks for h in cause.symptoms[0].path] == [("pass", "pass", "pass")]
    assert 1.9 < cause.points["fresh"] < 2.0  # counted from the episode, 25 min ago


def test_a_series_the_status_was_not_judged_from_is_never_read_as_a_shape():
    cat, _ = catalog(job("model"))
    spec = resolve(lag_signal(warn=3600, crit=7200), cat.components["model"])
    # a freshness status: its value is an age, not its newest point, whatever the points say
    pts = flapping_through_the_hour(10)
    status = evaluate.freshness(spec, NOW - 3 * 3600, NOW, pts)
    assert status.status.value == "CRIT"
    assert shape(component_health("model", [status])).kind == "unknown"


def day(*runs: tuple[int, float]) -> list[tuple[float, float]]:
    """(minutes, value) runs, oldest first, ending now: a day of 60 s points, the `history`
    the health refresh reads when the window cannot date a flapping episode."""
    values = [v for minutes, v in runs for _ in range(minutes)]
    assert len(values) == 24 * 60
    return [(NOW - (len(values) - 1 - i) * MIN, v) for i, v in enumerate(values)]


def flapping_for(minutes: int) -> list[tuple[float, float]]:
    """Fine for the rest of the day, then 5 min over and 5 min back for `minutes`, ending over."""
    return day((24 * 60 - minutes, FINE), *[(5, FINE), (5, WARN)] * (minutes // 10))


def test_a_fault_flapping_all_hour_is_dated_from_its_day_and_counts_as_fresh_news():
    # an intermittent fault (a crash loop) that began 5 h ago flaps through the whole window
    cat, graph = catalog(job("crashloop"), job("steady"))
    snap = {"crashloop": health(cat, "crashloop", flapping_for(300)[-60:]),
            "steady": health(cat, "steady", series((0, FINE), (60, WARN)))}
    snap["steady"].since = NOW - 20 * 3600.0  # a steady WARN, on for 20 h (dated by the wide query)
    assert shape(snap["crashloop"]).episode is None  # the window alone cannot tell
    snap["crashloop"].signals[0].history = flapping_for(300)
    sh = shape(snap["crashloop"])
    assert sh.flapping and sh.episode == NOW - 295 * MIN  # its first failing run (fine for its first 5 min)
    items = triage(cat, graph, snap, now=NOW)
    assert [i.component for i in items] == ["crashloop", "steady"]
    assert items[0].to_json()["flapping_since"] is not None
    assert round(items[0].points["fresh"], 3) == round(2 * (1 - 295 / (24 * 60)), 3)


def test_a_signal_that_flapped_all_day_stays_undated_and_is_no_fresh_news():
    cat, graph = catalog(job("hovering"))
    snap = {"hovering": health(cat, "hovering", flapping_for(24 * 60)[-60:])}
    snap["hovering"].signals[0].history = flapping_for(24 * 60)
    sh = shape(snap["hovering"])
    assert sh.flapping and sh.episode is None
    (item,) = triage(cat, graph, snap, now=NOW)
    assert item.points["fresh"] == 0.0 and item.to_json()["flapping_since"] is None
