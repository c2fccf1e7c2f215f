"""What on-call sees of a Kubeflow managed by Google: each status read from Vertex AI
Pipelines through VertexClient over loopback, with the same reasons and onsets as KFP."""

from __future__ import annotations

import math
import socket
import types

from atlas.health.model import Status
from atlas.health.service import HealthService
from atlas.kubeflow.reader import make_reader
from atlas.kubeflow.vertex import VertexClient

from .product import NOW
from .vertex_product import PROJECT, REGION, emulator, running, schedule, vertex_catalog

NEWEST = NOW - (11 * 3600 + 13 * 60 + 20)  # 03:00 UTC on NOW's day


def signal(snapshot, component, name):
    return next(s for s in snapshot.components[component].signals if s.name == name)


def test_a_failed_last_job_is_crit_naming_the_failed_task_and_its_error():
    cat = vertex_catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    rr = schedule(failed=[{"run": 1, "task": "trainer", "error": "The replica workerpool0-0 exited: OOMKilled"}])
    with running(cat, [rr]) as (service, emu):
        snap = service.refresh()
    health = snap.components["ranker-training-nightly"]
    assert health.status is Status.CRIT, snap.errors
    assert "trainer failed at 03:31: The replica workerpool0-0 exited: OOMKilled" in health.reason
    assert signal(snap, "ranker-training-nightly", "kfp-last-run").since == NEWEST + 24 * 60 + 0.6 * 12 * 60
    # the steps: from GetPipelineJob, the root DAG (the pipeline itself) is not one of them
    assert snap.components["trainer"].status is Status.CRIT
    assert snap.components["transform"].status is Status.OK
    assert "stopped at trainer" in snap.components["evaluator"].reason
    assert sum("/pipelineJobs/" in r for r in emu.requests) == 1  # one GetPipelineJob: the failed job


def test_a_paused_schedule_is_warn_since_it_was_paused():
    cat = vertex_catalog(["retrieval-weekly"])
    rr = schedule("retrieval-weekly", cron="0 4 * * 1", every="7d", count=3, last="-2d", state="PAUSED",
                  paused_at="-5h")
    with running(cat, [rr]) as (service, _):
        sched = signal(service.refresh(), "retrieval-weekly", "kfp-schedule")
    assert sched.status is Status.WARN and "disabled" in sched.reason
    assert sched.since == NOW - 5 * 3600  # lastPauseTime, not createTime


def test_no_job_within_one_and_a_half_periods_is_a_missed_schedule():
    cat = vertex_catalog(["ranker-training-nightly"])
    with running(cat, [schedule(last="-2d", count=3)]) as (service, _):
        sched = signal(service.refresh(), "ranker-training-nightly", "kfp-schedule")
    assert sched.status is Status.WARN
    assert "missed its Sep 20 03:00 run" in sched.reason


def test_a_schedule_in_its_own_time_zone_is_judged_by_that_zones_clock():
    # TZ=America/New_York 0 3 * * *: 03:00 in New York is 07:00 UTC in September (EDT)
    cat = vertex_catalog(["ranker-training-nightly"])
    rr = schedule(cron="TZ=America/New_York 0 3 * * *", last="-2d", count=3)
    with running(cat, [rr]) as (service, _):
        sched = signal(service.refresh(), "ranker-training-nightly", "kfp-schedule")
    assert sched.status is Status.WARN and "missed its Sep 20 07:00 run" in sched.reason


def test_an_active_schedule_on_time_is_ok():
    cat = vertex_catalog(["ranker-training-nightly"])
    with running(cat, [schedule()]) as (service, _):
        snap = service.refresh()
    assert snap.components["ranker-training-nightly"].status is Status.OK, snap.components["ranker-training-nightly"].reason
    assert "next 03:00" in signal(snap, "ranker-training-nightly", "kfp-schedule").reason


def test_model_freshness_comes_from_the_last_job_whose_push_task_succeeded():
    # the list view has no task details: the reader reads jobs back to the last successful push
    cat = vertex_catalog(["ranker-training-nightly"], model_of="ranker-training-nightly")
    rr = schedule(failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"},
                          {"run": 2, "task": "evaluator", "error": "blessing missing"}])
    with running(cat, [rr]) as (service, emu):
        first = signal(service.refresh(), "ranker", "model-freshness")
        details = sum("/pipelineJobs/" in r for r in emu.requests)
        again = service.refresh()
        later = sum("/pipelineJobs/" in r for r in emu.requests)
    pushed = NEWEST - 2 * 86400 + 3600  # job 3 ended at 04:00, Sep 19
    assert first.value == NOW - pushed
    assert first.status is Status.WARN and "pushed 2.4 d ago by the run of Sep 19 03:00" in first.reason
    assert details == 3 and later == details  # three jobs read once; finished details are kept
    assert signal(again, "ranker", "model-freshness").value == first.value


def test_jobs_and_schedules_are_read_across_pages():
    names = [f"train-{i:03d}" for i in range(12)]
    cat = vertex_catalog(names)
    # the server may answer fewer than asked for (here 5 a page): the client follows the token
    with running(cat, [schedule(n, count=2) for n in names], page_cap=5) as (service, emu):
        snap = service.refresh()
    assert all(snap.components[n].status is Status.OK for n in names), snap.errors
    lists = [r for r in emu.requests if r.split("?")[0].endswith(("/schedules", "/pipelineJobs"))]
    assert sum("/schedules" in r for r in lists) == math.ceil(12 / 5)
    assert sum("/pipelineJobs" in r for r in lists) == math.ceil(24 / 5)
    assert all("pageSize=100" in r for r in lists)


def _refreshes(n: int) -> tuple[int, int]:
    names = [f"train-{i:04d}" for i in range(n)]
    schedules = [schedule(nm, count=2, failed=[{"run": 1, "task": "trainer", "error": "OOMKilled"}] if i == 0 else [])
                 for i, nm in enumerate(names)]
    with running(vertex_catalog(names), schedules) as (service, emu):
        first = service.refresh()
        assert first.components["train-0000"].status is Status.CRIT
        assert all(first.components[nm].status is Status.OK for nm in names[1:])
        second = service.refresh()
        assert first.calls + second.calls == len(emu.requests)
        assert sum("/pipelineJobs/" in r for r in emu.requests) == 1
    return first.calls, second.calls


def test_calls_per_refresh_do_not_grow_with_the_number_of_schedules():
    first_10, second_10 = _refreshes(10)
    first_1000, second_1000 = _refreshes(1000)
    assert second_10 == second_1000 == 1  # one list of the jobs created since the last refresh
    assert first_10 == 1 + 1 + 1  # schedules, jobs, one GetPipelineJob for the failed job
    assert first_1000 == math.ceil(1000 / 100) + math.ceil(2000 / 100) + 1  # whole pages, never per schedule


def test_an_unreachable_endpoint_is_one_line_and_one_attempt():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cat = vertex_catalog(["ranker-training-nightly"])
    env = {"ATLAS_VERTEX_ENDPOINT": f"http://127.0.0.1:{port}", "ATLAS_VERTEX_TOKEN": "t0k3n-never-shown"}
    service = HealthService(cat, clients=types.SimpleNamespace(monitoring=None, logging=None), now=lambda: NOW,
                            kubeflow_factory=lambda: make_reader(cat, env))
    snap = service.refresh()
    service.close()
    assert snap.components["ranker-training-nightly"].status is Status.ERROR
    assert len(snap.errors) == 1 and "\n" not in snap.errors[0]
    assert "unreachable" in snap.errors[0] and "t0k3n-never-shown" not in snap.errors[0]


def test_googles_error_words_reach_the_one_line_and_the_token_does_not():
    with emulator([schedule()]) as emu:
        wrong_region = VertexClient(PROJECT, "europe-west4", host=emu.endpoint, auth=lambda: emu.token)
        try:
            wrong_region.list_recurring_runs()
        except Exception as exc:  # noqa: BLE001
            message = str(exc)
        assert "HTTP 400: INVALID_ARGUMENT" in message and "valid location ID is `us-central1`" in message
        assert emu.token not in message
        no_token = VertexClient(PROJECT, REGION, host=emu.endpoint)
        try:
            no_token.list_recurring_runs()
        except Exception as exc:  # noqa: BLE001
            message = str(exc)
        assert "refused the credentials (HTTP 401)" in message
        emu.faults.add("429", path_regex="/pipelineJobs$")
        client = VertexClient(PROJECT, REGION, host=emu.endpoint, auth=lambda: emu.token)
        try:
            client.list_runs(NOW - 86400)
        except Exception as exc:  # noqa: BLE001
            message = str(exc)
        assert "HTTP 429: RESOURCE_EXHAUSTED: Quota exceeded" in message
        for c in (wrong_region, no_token, client):
            c.close()


def test_a_step_failing_in_jobs_in_a_row_is_failing_since_the_first_as_on_kfp():
    cat = vertex_catalog(["ranker-training-nightly"], steps_of="ranker-training-nightly")
    failed = [{"run": n, "task": "trainer", "error": "The replica workerpool0-0 exited: OOMKilled"} for n in (1, 2)]
    with running(cat, [schedule(failed=failed)]) as (service, emu):
        snap = service.refresh()
        calls = sum("/pipelineJobs/" in r for r in emu.requests)
        service.refresh()
        again = sum("/pipelineJobs/" in r for r in emu.requests) - calls
    first = NEWEST - 86400 + 24 * 60 + 0.6 * 12 * 60  # the job of the day before, 03:31
    trainer = signal(snap, "trainer", "pipeline-task")
    assert trainer.status is Status.CRIT and trainer.since == first
    assert signal(snap, "ranker-training-nightly", "kfp-last-run").since == first
    # GetPipelineJob for the two failed jobs (not for the succeeded one before them), once: finished jobs are kept
    assert calls == 2 and again == 0
