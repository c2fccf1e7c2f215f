"""What on-call sees of Kubeflow in health: each status from the KFP API, through the real
client over loopback, with its reason and onset."""

from __future__ import annotations

from atlas.health.model import Status

from .product import NOW, catalog, nightly, running


def signal(snapshot, component, name):
    return next(s for s in snapshot.components[component].signals if s.name == name)


def test_a_failed_last_run_is_crit_and_names_the_failed_task_and_its_error():
    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    rr = nightly(failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"}])
    with running(cat, [rr]) as (service, _):
        snap = service.refresh()
    health = snap.components["ranker-training-nightly"]
    assert health.status is Status.CRIT
    # the run was created at 03:00; each of five tasks takes 12 min, trainer fails 60 % in
    assert "trainer failed at 03:31: OOMKilled" in health.reason
    last = signal(snap, "ranker-training-nightly", "kfp-last-run")
    assert last.since == NOW - 11 * 3600 - 13 * 60 - 20 + 24 * 60 + 0.6 * 12 * 60
    # the step itself is red, the ones after it did not run, the ones before are fine
    assert snap.components["trainer"].status is Status.CRIT
    assert snap.components["evaluator"].status is Status.NO_DATA
    assert "stopped at trainer" in snap.components["evaluator"].reason
    assert snap.components["transform"].status is Status.OK


def test_failures_in_a_row_are_counted():
    cat = catalog(["ranker-training-nightly"])
    rr = nightly(failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"},
                         {"run": 2, "task": "example-gen", "error": "snapshot manifest missing"}])
    with running(cat, [rr]) as (service, _):
        last = signal(service.refresh(), "ranker-training-nightly", "kfp-last-run")
    assert last.status is Status.CRIT and last.value == 2
    assert "2 failed runs in a row" in last.reason
    assert last.since < NOW - 24 * 3600  # the streak began with the older failure


def test_a_disabled_recurring_run_is_warn_since_it_was_disabled():
    cat = catalog(["retrieval-weekly"])
    rr = nightly("retrieval-weekly", cron="0 0 4 * * 1", every="7d", count=3, last="-2d",
                 status="DISABLED", disabled_at="-5h")
    with running(cat, [rr]) as (service, _):
        snap = service.refresh()
    assert snap.components["retrieval-weekly"].status is Status.WARN
    sched = signal(snap, "retrieval-weekly", "kfp-schedule")
    assert sched.status is Status.WARN and "disabled" in sched.reason
    assert sched.since == NOW - 5 * 3600


def test_no_run_within_one_and_a_half_periods_is_a_missed_schedule():
    cat = catalog(["ranker-training-nightly"])
    with running(cat, [nightly(last="-2d", count=3)]) as (service, _):  # newest: Sep 19 14:13
        sched = signal(service.refresh(), "ranker-training-nightly", "kfp-schedule")
    assert sched.status is Status.WARN
    assert "missed its Sep 20 03:00 run" in sched.reason
    assert sched.since == 1_790_000_000 - (14 * 3600 + 13 * 60 + 20) - 86400 + 3 * 3600


def test_a_run_on_time_is_ok_and_says_when_the_next_is():
    cat = catalog(["ranker-training-nightly"])
    with running(cat, [nightly()]) as (service, _):
        snap = service.refresh()
    assert snap.components["ranker-training-nightly"].status is Status.OK
    assert "next 03:00" in signal(snap, "ranker-training-nightly", "kfp-schedule").reason


def test_a_run_going_on_for_more_than_twice_the_usual_is_warn():
    cat = catalog(["ranker-training-nightly"])
    # successful runs take 1 h; the newest started 11 h ago and hangs in its last task
    with running(cat, [nightly(duration="1h", running=True)]) as (service, _):
        dur = signal(service.refresh(), "ranker-training-nightly", "kfp-run-duration")
    assert dur.status is Status.WARN
    assert "11.2 h, 11.2x its usual 60 min > warn 2x" in dur.reason
    assert dur.since == NOW - (11 * 3600 + 13 * 60 + 20) + 2 * 3600


def test_model_freshness_comes_from_the_last_run_whose_push_succeeded():
    cat = catalog(["ranker-training-nightly"], model_of="ranker-training-nightly")
    # the last two runs stopped before the pusher: the model is from three nights ago
    rr = nightly(failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"},
                         {"run": 2, "task": "evaluator", "error": "blessing missing"}])
    with running(cat, [rr]) as (service, _):
        age = signal(service.refresh(), "ranker", "model-freshness")
    pushed = NOW - (11 * 3600 + 13 * 60 + 20) - 2 * 86400 + 3600  # run 3 ended at 04:00, Sep 19
    assert age.value == NOW - pushed
    assert age.status is Status.WARN and "pushed 2.4 d ago by the run of Sep 19 03:00" in age.reason
    assert age.since == pushed + 129600


def test_a_fresh_push_is_ok():
    cat = catalog(["ranker-training-nightly"], model_of="ranker-training-nightly")
    with running(cat, [nightly()]) as (service, _):
        age = signal(service.refresh(), "ranker", "model-freshness")
    assert age.status is Status.OK and age.value == 10 * 3600 + 13 * 60 + 20


def test_a_recurring_run_the_api_does_not_have_is_said_so():
    cat = catalog(["ranker-training-nightly", "renamed-run"])
    with running(cat, [nightly()]) as (service, _):
        snap = service.refresh()
    assert snap.components["renamed-run"].status is Status.WARN
    assert "no recurring run named 'renamed-run'" in snap.components["renamed-run"].reason


def test_a_step_the_successful_run_does_not_have_says_so_not_that_the_run_stopped():
    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    cat.components["trainer"].labels["task"] = "trainr"  # a typo in the catalog
    with running(cat, [nightly()]) as (service, _):
        health = service.refresh().components["trainer"]
    assert health.status is Status.NO_DATA
    assert "no step named 'trainr'" in health.reason and "its steps: example-gen, transform, trainer" in health.reason
    assert "stopped at" not in health.reason


def test_ok_that_never_failed_says_nothing_about_recovering():
    # "recovered 24 h ago" on a model that was never stale sends on-call looking for an incident
    from atlas.health.readable import onset

    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly", model_of="ranker-training-nightly")
    with running(cat, [nightly()]) as (service, _):
        snap = service.refresh()
    for cid in ("ranker-training-nightly", "trainer", "ranker"):
        health = snap.components[cid]
        assert health.status is Status.OK
        assert onset("OK", health.since, NOW) == "", (cid, health.since)


def test_ok_after_a_failed_run_says_when_it_recovered():
    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    rr = nightly(failed=[{"run": 2, "task": "trainer", "error": "OOMKilled"}])  # the night before
    with running(cat, [rr]) as (service, _):
        snap = service.refresh()
    last = signal(snap, "ranker-training-nightly", "kfp-last-run")
    assert last.status is Status.OK and last.since == last.observed_at  # recovered when the newest run ended
    trainer = signal(snap, "trainer", "pipeline-task")
    assert trainer.status is Status.OK and trainer.since is not None
    assert signal(snap, "transform", "pipeline-task").since is None  # it did not fail the night before


def test_a_step_failing_night_after_night_is_failing_since_its_first_failure_and_folds_under_its_run():
    # the demo's story: the trainer got no GPU node two nights in a row; the model was last
    # pushed three nights ago. The run, its step and the model read one failure, in order.
    from atlas.graph import CatalogGraph
    from atlas.health.triage import triage

    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly", model_of="ranker-training-nightly")
    rr = nightly(failed=[{"run": 1, "task": "trainer", "error": "FailedScaleUp"},
                         {"run": 2, "task": "trainer", "error": "FailedScaleUp"}])
    with running(cat, [rr]) as (service, _):
        snap = service.refresh()
    trainer = signal(snap, "trainer", "pipeline-task")
    first_failure = NOW - (11 * 3600 + 13 * 60 + 20) - 86400 + 24 * 60 + 0.6 * 12 * 60  # run 2, 03:31 the day before
    assert trainer.status is Status.CRIT and trainer.since == first_failure
    assert "failed in 2 runs in a row" in trainer.reason
    assert signal(snap, "ranker-training-nightly", "kfp-last-run").since == first_failure
    (cause,) = [i for i in triage(cat, CatalogGraph(cat), snap) if i.role == "cause"]
    assert cause.component == "ranker-training-nightly"
    assert [(s.component, s.path[0].relation) for s in cause.symptoms] == [("trainer", "part_of"), ("ranker", "part_of")]
    assert all(h.checks[2] != "fail" for s in cause.symptoms for h in s.path)
