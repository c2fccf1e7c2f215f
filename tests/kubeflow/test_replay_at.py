"""`atlas triage --at`: Kubeflow statuses as they were at a past moment. The KFP API only
answers with today's runs, so a failure that came later must not show up in the past."""

from __future__ import annotations

from atlas.health.model import Status

from .product import NOW, catalog, nightly, running
from .test_statuses import signal

RUN_CREATED = NOW - 11 * 3600 - 13 * 60 - 20  # 03:00 UTC on NOW's day (see product.nightly)


def test_a_run_that_failed_later_is_not_failing_before_it_began():
    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    rr = nightly(failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"}])
    with running(cat, [rr]) as (service, _):
        before = service.refresh(at=RUN_CREATED - 3600)  # 02:00: yesterday's run was the newest
        during = service.refresh(at=RUN_CREATED + 20 * 60)  # 03:20: the run is in its 2nd task
        live = service.refresh()
    last = signal(before, "ranker-training-nightly", "kfp-last-run")
    assert last.status is Status.OK and "succeeded" in last.reason
    assert before.components["trainer"].status is Status.OK
    assert signal(during, "ranker-training-nightly", "kfp-last-run").status is Status.OK
    assert "running" in during.components["transform"].reason
    assert during.components["trainer"].status is Status.OK  # not reached yet: waiting
    # replaying did not spoil the live view
    assert live.components["ranker-training-nightly"].status is Status.CRIT
    assert "trainer failed at 03:31: OOMKilled" in live.components["ranker-training-nightly"].reason


def test_a_recurring_run_disabled_later_is_unknown_in_the_past_not_disabled():
    cat = catalog(["retrieval-weekly"])
    rr = nightly("retrieval-weekly", cron="0 0 4 * * 1", every="7d", count=3, last="-2d",
                 status="DISABLED", disabled_at="-5h")
    with running(cat, [rr]) as (service, _):
        sched = signal(service.refresh(at=NOW - 6 * 3600), "retrieval-weekly", "kfp-schedule")
    assert sched.status is Status.NO_DATA
    assert "changed later" in sched.reason


def test_before_a_recurring_run_existed_it_is_no_data_not_missing():
    cat = catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    with running(cat, [nightly()]) as (service, _):
        snap = service.refresh(at=NOW - 30 * 86400)  # the first of its 7 nightly runs was a week ago
    for cid in ("ranker-training-nightly", "trainer"):
        health = snap.components[cid]
        assert health.status is Status.NO_DATA, (cid, health.reason)
        assert "did not exist yet" in health.reason and "renamed, deleted" not in health.reason
