"""A failed step of a Kubeflow recurring run is part of that run: triage shows ONE cause
(the run, whose reason names the step) with the step under it, even when the steps that
succeeded before it say OK. Membership comes from the catalog labels both carry
(`kubeflow` + `recurring_run`), never from ids. Pure: snapshots built in code."""

from __future__ import annotations

import json

from atlas.catalog.model import Component
from atlas.catalog.runs import part_of
from atlas.graph import CatalogGraph
from atlas.health.model import Status
from atlas.health.report import triage_text
from atlas.health.triage import flatten, triage

from .builders import NOW, lag_signal, make_catalog
from .test_triage_onset import snap

H = 3600.0


def run(cid: str, name: str, deployment: str = "kfp") -> Component:
    return Component(id=cid, kind="kubeflow_recurring_run", system="pipes", owner="data-eng",
                     labels={"kubeflow": deployment, "recurring_run": name})


def step(cid: str, after: str, name: str, deployment: str = "kfp") -> Component:
    return Component(id=cid, kind="pipeline_component", system="pipes", owner="data-eng", depends_on=(after,),
                     labels={"kubeflow": deployment, "recurring_run": name, "task": cid})


def tiny(*extra: Component):
    """train-nightly -> load -> fit -> export -> model: three steps in a chain under the run."""
    comps = [run("train-nightly", "nightly"), step("load", "train-nightly", "nightly"),
             step("fit", "load", "nightly"), step("export", "fit", "nightly"),
             Component(id="model", kind="model", system="pipes", owner="data-eng", depends_on=("export",),
                       labels={"kubeflow": "kfp", "recurring_run": "nightly", "push_task": "export"}),
             *extra]
    cat = make_catalog(comps, [lag_signal()])
    return cat, CatalogGraph(cat)


def test_steps_are_part_of_the_run_whose_labels_they_carry_and_a_model_is_not():
    cat, _ = tiny(run("train-weekly", "weekly"), step("w-fit", "load", "weekly"),
                  step("elsewhere", "load", "nightly", deployment="kfp-eu"))
    assert part_of(cat) == {"load": "train-nightly", "fit": "train-nightly", "export": "train-nightly",
                            "w-fit": "train-weekly"}  # no run named "nightly" on kfp-eu: not assigned


def test_two_runs_claiming_one_recurring_run_leave_its_steps_unassigned():
    cat, _ = tiny(run("train-nightly-copy", "nightly"))
    assert part_of(cat) == {}


def test_a_failed_step_after_an_ok_step_folds_under_its_failing_run_with_a_part_of_hop():
    cat, graph = tiny()
    items = triage(cat, graph, snap({
        "train-nightly": (Status.CRIT, NOW - 2 * H),  # the run failed because `fit` did
        "load": (Status.OK, None),                      # did its part
        "fit": (Status.CRIT, NOW - 2 * H),
        "export": (Status.NO_DATA, NOW - 2 * H),        # never ran
        "model": (Status.WARN, NOW - 1 * H),            # not pushed: too old now
    }))
    assert [(i.component, i.role) for i in items] == [("train-nightly", "cause")]
    fit, model = items[0].symptoms
    assert fit.component == "fit" and fit.hops == 1
    assert [(h.upstream, h.downstream, h.relation, h.checks) for h in fit.path] == [
        ("train-nightly", "fit", "part_of", ("pass", "pass", "pass"))]
    # the model hangs below the failed step, through the step that never ran
    assert model.component == "model"
    assert [h.relation for h in model.path] == ["part_of", "depends_on", "depends_on"]
    assert model.path[-1].upstream_onset_first == "pass"
    hop = json.loads(json.dumps(fit.to_json()))["path"][0]
    assert hop["relation"] == "part_of" and hop["from"] == "train-nightly" and hop["to"] == "fit"
    # its own steps are parts of the run, not healthy components downstream at risk of it
    assert "load" not in items[0].at_risk
    text = triage_text(items, now=NOW)
    assert "symptom CRIT   fit (part of the run)  failing for 2 h" in text
    assert "path: train-nightly -> fit (part of the run) -> export -> model" in text


def test_a_step_that_began_failing_before_its_run_is_not_folded_under_it():
    cat, graph = tiny()
    items = triage(cat, graph, snap({"train-nightly": (Status.CRIT, NOW - 1 * H), "load": (Status.OK, None),
                                     "fit": (Status.CRIT, NOW - 5 * H)}))
    # onset order is checked as for any hop: the step is its own cause
    assert {i.component: i.role for i in flatten(items)} == {"train-nightly": "cause", "fit": "cause"}


def test_a_failed_step_of_a_different_run_is_not_folded():
    # w-fit runs in the weekly run but sits after the nightly's `load` in the graph
    cat, graph = tiny(run("train-weekly", "weekly"), step("w-fit", "load", "weekly"))
    items = triage(cat, graph, snap({
        "train-nightly": (Status.CRIT, NOW - 2 * H), "load": (Status.OK, None), "fit": (Status.CRIT, NOW - 2 * H),
        "train-weekly": (Status.OK, None), "w-fit": (Status.CRIT, NOW - 1 * H),
    }))
    roles = {i.component: i.role for i in flatten(items)}
    assert roles == {"train-nightly": "cause", "fit": "symptom", "w-fit": "cause"}
    assert [s.component for s in next(i for i in items if i.component == "train-nightly").symptoms] == ["fit"]


def test_a_failed_step_of_a_run_that_says_ok_stays_its_own_cause():
    cat, graph = tiny()
    items = triage(cat, graph, snap({"train-nightly": (Status.OK, None), "load": (Status.OK, None),
                                     "fit": (Status.CRIT, NOW - 2 * H)}))
    assert [(i.component, i.role, i.symptoms) for i in items] == [("fit", "cause", [])]
