"""Vertex AI Pipelines behind the same interface as KfpClient (regional REST, v1).

- ListSchedules   GET {region}-aiplatform.googleapis.com/v1/projects/P/locations/R/schedules
  -> recurring runs (Schedule: name, displayName, cron (five fields, optional "TZ=" prefix),
  state ACTIVE | PAUSED | COMPLETED, createTime, updateTime);
- ListPipelineJobs .../pipelineJobs?filter=create_time>="RFC3339" (documented filter fields:
  create_time, update_time, end_time, state, display_name ... AIP-160 syntax), jobs carry
  `scheduleName`, state PIPELINE_STATE_*;
- GetPipelineJob  .../pipelineJobs/ID -> jobDetail.taskDetails[] (taskName, state, startTime,
  endTime, error.message).
JSON is lowerCamelCase here (Google's REST mapping), unlike KFP's snake_case.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from atlas.kubeflow.kfp import KfpClient, KubeflowError, parse_time, rfc3339
from atlas.kubeflow.model import PipelineRun, RecurringRun, TaskRun

PAGE_SIZE = 100
# Vertex PipelineState / PipelineTaskDetail.State -> KFP RuntimeState names
_JOB_STATES = {"PIPELINE_STATE_QUEUED": "PENDING", "PIPELINE_STATE_PENDING": "PENDING",
               "PIPELINE_STATE_RUNNING": "RUNNING", "PIPELINE_STATE_SUCCEEDED": "SUCCEEDED",
               "PIPELINE_STATE_FAILED": "FAILED", "PIPELINE_STATE_CANCELLING": "CANCELING",
               "PIPELINE_STATE_CANCELLED": "CANCELED", "PIPELINE_STATE_PAUSED": "PAUSED"}
_TASK_STATES = {"PENDING": "PENDING", "RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED",
                "SKIPPED": "SKIPPED", "NOT_TRIGGERED": "SKIPPED", "CANCEL_PENDING": "CANCELING",
                "CANCELLING": "CANCELING", "CANCELLED": "CANCELED"}


def job_from_json(data: dict, *, detailed: bool = False) -> PipelineRun:
    tasks = []
    for t in (data.get("jobDetail") or {}).get("taskDetails") or []:
        name = t.get("taskName") or ""
        if not name or not t.get("parentTaskId"):  # the root DAG task is the job itself
            continue
        tasks.append(TaskRun(name, _TASK_STATES.get(t.get("state", ""), "RUNTIME_STATE_UNSPECIFIED"),
                             parse_time(t.get("startTime")), parse_time(t.get("endTime")),
                             str((t.get("error") or {}).get("message") or "")[:300]))
    tasks.sort(key=lambda t: (t.start is None, t.start or 0.0, t.name))  # never started: last
    return PipelineRun(
        run_id=data.get("name", "").rsplit("/", 1)[-1], display_name=data.get("displayName", ""),
        recurring_run_id=data.get("scheduleName", ""), state=_JOB_STATES.get(data.get("state", ""), "RUNTIME_STATE_UNSPECIFIED"),
        created=parse_time(data.get("createTime")) or 0.0, finished=parse_time(data.get("endTime")),
        tasks=tuple(tasks), error=str((data.get("error") or {}).get("message") or "")[:300], detailed=detailed)


def schedule_from_json(data: dict) -> RecurringRun:
    return RecurringRun(recurring_run_id=data.get("name", ""), display_name=data.get("displayName", ""),
                        enabled=data.get("state") == "ACTIVE", cron=data.get("cron", ""),
                        created=parse_time(data.get("createTime")) or 0.0,
                        updated=parse_time(data.get("updateTime")) or 0.0)


class VertexClient(KfpClient):
    kind = "vertex"

    def __init__(self, project: str, region: str, *, host: str = "", auth: Callable[[], str | None] | None = None,
                 timeout: float = 10.0, connect_timeout: float = 3.0, session=None) -> None:
        if not project or not region:
            raise KubeflowError("a vertex deployment needs project and region")
        super().__init__(host or f"https://{region}-aiplatform.googleapis.com", "", auth=auth, timeout=timeout,
                         connect_timeout=connect_timeout, session=session)
        self.parent = f"/v1/projects/{quote(project, safe='')}/locations/{quote(region, safe='')}"

    @property
    def target(self) -> str:
        return f"Vertex AI Pipelines {self.parent.removeprefix('/v1/')}"

    def _vertex_pages(self, path: str, key: str, params: dict[str, str]) -> list[dict]:
        out: list[dict] = []
        token = ""
        for _ in range(500):
            query = {**params, "pageSize": str(PAGE_SIZE), **({"pageToken": token} if token else {})}
            body = self._get(path, query)
            out.extend(body.get(key) or [])
            token = body.get("nextPageToken") or ""
            if not token:
                return out
        raise KubeflowError(f"{self.target}: more than 500 pages of {key}")

    def list_recurring_runs(self) -> list[RecurringRun]:
        return [schedule_from_json(s) for s in self._vertex_pages(f"{self.parent}/schedules", "schedules", {})]

    def list_runs(self, created_after: float) -> list[PipelineRun]:
        flt = f'create_time>="{rfc3339(created_after)}"'
        rows = self._vertex_pages(f"{self.parent}/pipelineJobs", "pipelineJobs", {"filter": flt})
        return [job_from_json(j) for j in rows]

    def get_run(self, run_id: str) -> PipelineRun:
        return job_from_json(self._get(f"{self.parent}/pipelineJobs/{quote(run_id, safe='')}"), detailed=True)
