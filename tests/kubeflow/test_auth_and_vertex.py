"""Signing in (a token never shows) and the Vertex AI Pipelines mapping onto the same model."""

from __future__ import annotations

from atlas.catalog.model import KubeflowDeployment
from atlas.emulators.kfp import KfpEmulator
from atlas.health.model import Status
from atlas.kubeflow.reader import make_reader
from atlas.kubeflow.vertex import job_from_json, schedule_from_json

from .product import NOW, catalog, nightly

SECRET = "s3cr3t-kfp-token-value"


def _bearer_catalog(host: str):
    cat = catalog(["ranker-training-nightly"])
    cat.kubeflow["kfp"] = KubeflowDeployment("kfp", "kfp", host=host, namespace="kubeflow", auth="bearer",
                                             token_env="KFP_TOKEN")
    return cat


def test_a_bearer_token_from_the_named_variable_is_sent_and_never_shown():
    with KfpEmulator({"recurring_run": [nightly()]}, now=lambda: NOW, token=SECRET) as emu:
        good = make_reader(_bearer_catalog(emu.endpoint), {"KFP_TOKEN": SECRET})
        data, calls = good.read("kfp", [], NOW)
        assert "ranker-training-nightly" in data.recurring and calls == 2
        bad = make_reader(_bearer_catalog(emu.endpoint), {"KFP_TOKEN": SECRET + "-old"})
        try:
            bad.read("kfp", [], NOW)
        except Exception as exc:  # noqa: BLE001
            message = str(exc)
        assert "refused the credentials (HTTP 401)" in message and SECRET not in message
        good.close()
        bad.close()


def test_a_missing_token_variable_is_one_line_naming_it_and_the_signals_read_error():
    from .product import running  # noqa: F401 - same construction as the other tests

    cat = _bearer_catalog("http://127.0.0.1:9")
    reader = make_reader(cat, {})
    assert reader.problems == {"kfp": "kubeflow kfp: environment variable KFP_TOKEN is not set (it holds the bearer token)"}
    import types

    from atlas.health.service import HealthService

    service = HealthService(cat, clients=types.SimpleNamespace(monitoring=None, logging=None), now=lambda: NOW,
                            kubeflow_factory=lambda: reader)
    snap = service.refresh()
    assert snap.components["ranker-training-nightly"].status is Status.ERROR
    assert snap.errors == ["Kubeflow kfp: kubeflow kfp: environment variable KFP_TOKEN is not set (it holds the "
                           "bearer token) (3 signals on 1 component)"]


def test_the_demo_catalog_never_reaches_for_its_made_up_host():
    cat = catalog(["ranker-training-nightly"])
    cat.demo = True
    assert "demo catalog without KF_PIPELINES_ENDPOINT" in make_reader(cat, {}).problems["kfp"]


def test_vertex_jobs_and_schedules_map_onto_runs_and_recurring_runs():
    # field names and enums of the Vertex AI v1 REST reference (PipelineJob, Schedule)
    job = job_from_json({
        "name": "projects/p/locations/us-central1/pipelineJobs/ranker-20260921",
        "displayName": "ranker-20260921", "state": "PIPELINE_STATE_FAILED",
        "createTime": "2026-09-21T03:00:00.123Z", "endTime": "2026-09-21T03:40:00Z",
        "scheduleName": "projects/p/locations/us-central1/schedules/42",
        "jobDetail": {"taskDetails": [
            {"taskId": "1", "taskName": "ranker", "state": "FAILED"},  # the root DAG: no parent
            {"taskId": "2", "parentTaskId": "1", "taskName": "trainer", "state": "FAILED",
             "startTime": "2026-09-21T03:10:00Z", "endTime": "2026-09-21T03:40:00Z",
             "error": {"code": 9, "message": "OOMKilled"}},
            {"taskId": "3", "parentTaskId": "1", "taskName": "pusher", "state": "NOT_TRIGGERED"}]},
    }, detailed=True)
    # a job names its schedule by resource name (project number or id): matched by the id
    assert (job.run_id, job.state, job.recurring_run_id) == ("ranker-20260921", "FAILED", "42")
    assert [(t.name, t.state, t.error) for t in job.tasks] == [("trainer", "FAILED", "OOMKilled"),
                                                                ("pusher", "SKIPPED", "")]
    sched = schedule_from_json({"name": "projects/p/locations/us-central1/schedules/42", "displayName": "nightly",
                                "cron": "TZ=UTC 0 3 * * *", "state": "PAUSED", "createTime": "2026-01-01T00:00:00Z"})
    assert not sched.enabled and sched.cron == "TZ=UTC 0 3 * * *"
