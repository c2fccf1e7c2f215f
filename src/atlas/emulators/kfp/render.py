"""Seed records -> the JSON the KFP API server writes (grpc-gateway over protojson).

What a client meets on the wire (backend/api/v2beta1/swagger/run.swagger.json and
recurring_run.swagger.json, github.com/kubeflow/pipelines):
- proto field names, snake_case (`recurring_run_id`, `run_details.task_details`);
- zero values and empty lists are left out, so an empty list answers `{}`;
- Timestamps are RFC 3339 UTC; the server converts from seconds with
  `timestamppb.New(time.Unix(FinishedAtInSec, 0))` (backend/src/apiserver/server/api_converter.go),
  so an unfinished run's `finished_at` is "1970-01-01T00:00:00Z", never absent;
- int64 fields (`execution_id`, `pipeline_context_id`, `max_concurrency`) are strings.
"""

from __future__ import annotations

import datetime as dt

from .seed import SeedRecurringRun, SeedRun, SeedTask, stable_id


def timestamp(epoch: float | None) -> str:
    t = dt.datetime.fromtimestamp(int(epoch or 0), dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def recurring_run(rr: SeedRecurringRun) -> dict:
    return {
        "recurring_run_id": rr.recurring_run_id,
        "display_name": rr.display_name,
        "pipeline_version_reference": {"pipeline_id": rr.pipeline_id,
                                       "pipeline_version_id": stable_id(rr.pipeline_id, "v1")},
        "runtime_config": {"parameters": {"model": rr.display_name.split("-training")[0]}},
        "service_account": "pipeline-runner",
        "max_concurrency": "1",
        "trigger": {"cron_schedule": {"start_time": timestamp(rr.created), "cron": rr.cron}},
        "mode": "ENABLE" if rr.status == "ENABLED" else "DISABLE",
        "created_at": timestamp(rr.created),
        "updated_at": timestamp(rr.updated),
        "status": rr.status,
        "namespace": rr.namespace,
        "experiment_id": stable_id(rr.namespace, "Default"),
    }


def _status(message: str) -> dict:
    return {"code": 2, "message": message}  # google.rpc.Status; code 2 = UNKNOWN


def task(run: SeedRun, t: SeedTask, index: int) -> dict:
    history = [{"update_time": timestamp(t.start), "state": "RUNNING"}]
    out = {
        "run_id": run.run_id,
        "task_id": stable_id(run.run_id, t.name),
        "display_name": t.name,
        "create_time": timestamp(t.start),
        "start_time": timestamp(t.start),
        "end_time": timestamp(t.end),
        "executor_detail": {"main_job": f"{run.display_name}-{index}"},
        "state": t.state,
        "execution_id": str(1000 + index),
        "pod_name": f"{run.display_name}-system-container-impl-{index}",
    }
    if t.end is not None:
        history.append({"update_time": timestamp(t.end), "state": t.state})
    if t.error:
        out["error"] = _status(t.error)
        history[-1]["error"] = _status(t.error)
    out["state_history"] = history
    return out


def run(r: SeedRun) -> dict:
    history = [{"update_time": timestamp(r.created), "state": "PENDING"},
               {"update_time": timestamp(r.created + 5), "state": "RUNNING"}]
    if r.finished is not None:
        history.append({"update_time": timestamp(r.finished), "state": r.state})
    out = {
        "experiment_id": stable_id(r.namespace, "Default"),
        "run_id": r.run_id,
        "display_name": r.display_name,
        "storage_state": "AVAILABLE",
        "pipeline_version_reference": {"pipeline_id": stable_id("pipeline", r.display_name.rsplit("-", 1)[0])},
        "service_account": "pipeline-runner",
        "created_at": timestamp(r.created),
        "scheduled_at": timestamp(r.created),
        "finished_at": timestamp(r.finished),  # 1970-01-01T00:00:00Z while unfinished
        "state": r.state,
        "run_details": {
            "pipeline_context_id": "7",
            "pipeline_run_context_id": str(100 + int(r.created) % 1000),
            "task_details": [task(r, t, i) for i, t in enumerate(r.tasks)],
        },
        "recurring_run_id": r.recurring_run_id,
        "state_history": history,
    }
    if r.error:
        out["error"] = _status(r.error)
    if not out["run_details"]["task_details"]:
        del out["run_details"]["task_details"]
    return out
