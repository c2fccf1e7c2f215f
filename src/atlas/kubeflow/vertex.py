"""Vertex AI Pipelines behind the same interface as KfpClient (regional REST, v1).

Wire facts (googleapis google/cloud/aiplatform/v1: pipeline_service.proto, pipeline_job.proto,
schedule_service.proto, schedule.proto; what the emulator in atlas.emulators.vertex enforces):
- ListSchedules   GET {region}-aiplatform.googleapis.com/v1/projects/P/locations/R/schedules
  -> recurring runs (Schedule: name, displayName, cron (five fields, optional "TZ=" /
  "CRON_TZ=" prefix), state ACTIVE | PAUSED | COMPLETED, createTime, startTime, lastPauseTime);
- ListPipelineJobs .../pipelineJobs?filter=create_time>="RFC3339" (AIP-160; documented fields
  only), jobs carry `scheduleName`, state PIPELINE_STATE_*. `job_detail` is "Not available in
  the list view": a listed job has no tasks (`lists_tasks = False`, the reader asks for
  details where a signal needs tasks);
- GetPipelineJob  .../pipelineJobs/ID -> jobDetail.taskDetails[] (taskName, state, startTime,
  endTime, error.message); the DAGs (the root, named after the pipeline, and any sub-DAG) are
  the tasks other tasks name as parentTaskId: they are not steps;
- the location must be the regional host's, or the call is INVALID_ARGUMENT;
- errors are {"error": {"code", "message", "status"}} (cloud.google.com/apis/design/errors);
- resource names come back with the project number, the catalog says the project id: a
  schedule is matched to its jobs by its id (the last segment of its name), not the name.
JSON is lowerCamelCase here (Google's REST mapping), unlike KFP's snake_case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from atlas.kubeflow.kfp import KfpClient, KubeflowError, parse_time, rfc3339
from atlas.kubeflow.model import PipelineRun, RecurringRun, TaskRun

ENDPOINT_ENV = "ATLAS_VERTEX_ENDPOINT"  # overrides every vertex deployment's regional host
TOKEN_ENV = "ATLAS_VERTEX_TOKEN"  # the bearer token sent to that override (never an ADC token)
PAGE_SIZE = 100  # ListSchedules' documented default; neither list documents a maximum
MAX_PAGES = 500
# Vertex PipelineState / PipelineTaskDetail.State -> KFP RuntimeState names
_JOB_STATES = {"PIPELINE_STATE_QUEUED": "PENDING", "PIPELINE_STATE_PENDING": "PENDING",
               "PIPELINE_STATE_RUNNING": "RUNNING", "PIPELINE_STATE_SUCCEEDED": "SUCCEEDED",
               "PIPELINE_STATE_FAILED": "FAILED", "PIPELINE_STATE_CANCELLING": "CANCELING",
               "PIPELINE_STATE_CANCELLED": "CANCELED", "PIPELINE_STATE_PAUSED": "PAUSED"}
_TASK_STATES = {"PENDING": "PENDING", "RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED",
                "SKIPPED": "SKIPPED", "NOT_TRIGGERED": "SKIPPED", "CANCEL_PENDING": "CANCELING",
                "CANCELLING": "CANCELING", "CANCELLED": "CANCELED"}


def _last(name: str) -> str:
    return name.rsplit("/", 1)[-1] if name else ""


def job_from_json(data: dict, *, detailed: bool = False) -> PipelineRun:
    details = (data.get("jobDetail") or {}).get("taskDetails") or []
    parents = {str(t.get("parentTaskId")) for t in details if t.get("parentTaskId")}
    tasks = []
    for t in details:
        name = t.get("taskName") or ""
        if not name or str(t.get("taskId", "")) in parents:  # a DAG (the root, a sub-DAG), not a step
            continue
        if not t.get("parentTaskId") and name == ((data.get("pipelineSpec") or {}).get("pipelineInfo") or {}).get("name"):
            continue  # the root DAG of a job whose steps were not created yet
        tasks.append(TaskRun(name, _TASK_STATES.get(t.get("state", ""), "RUNTIME_STATE_UNSPECIFIED"),
                             parse_time(t.get("startTime")), parse_time(t.get("endTime")),
                             str((t.get("error") or {}).get("message") or "")[:300]))
    tasks.sort(key=lambda t: (t.start is None, t.start or 0.0, t.name))  # never started: last
    return PipelineRun(
        run_id=_last(data.get("name", "")), display_name=data.get("displayName", ""),
        recurring_run_id=_last(data.get("scheduleName", "")),
        state=_JOB_STATES.get(data.get("state", ""), "RUNTIME_STATE_UNSPECIFIED"),
        created=parse_time(data.get("createTime")) or 0.0, finished=parse_time(data.get("endTime")),
        tasks=tuple(tasks), error=str((data.get("error") or {}).get("message") or "")[:300], detailed=detailed)


def schedule_from_json(data: dict) -> RecurringRun:
    created = parse_time(data.get("createTime")) or 0.0
    paused = data.get("state") == "PAUSED" and parse_time(data.get("lastPauseTime"))
    return RecurringRun(recurring_run_id=_last(data.get("name", "")), display_name=data.get("displayName", ""),
                        enabled=data.get("state") == "ACTIVE", cron=data.get("cron", ""),
                        # "Timestamp after which the first run can be scheduled" (default: create time)
                        created=max(created, parse_time(data.get("startTime")) or 0.0),
                        # paused since its lastPauseTime; updateTime moves with any edit
                        updated=paused or parse_time(data.get("updateTime")) or created, dialect="vertex")


class VertexClient(KfpClient):
    kind = "vertex"
    lists_tasks = False  # ListPipelineJobs has no job_detail: tasks need GetPipelineJob

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

    def _error_detail(self, body: dict) -> str:
        err = body.get("error")
        if isinstance(err, dict):
            return " ".join(f"{err.get('status') or ''}: {err.get('message') or ''}".split())[:300].strip(": ")
        return super()._error_detail(body)

    def _vertex_pages(self, path: str, key: str, params: dict[str, str]) -> list[dict]:
        out: list[dict] = []
        token = ""
        for _ in range(MAX_PAGES):
            query = {**params, "pageSize": str(PAGE_SIZE), **({"pageToken": token} if token else {})}
            body = self._get(path, query)
            out.extend(body.get(key) or [])  # a page may hold fewer than asked: follow the token
            token = body.get("nextPageToken") or ""
            if not token:
                return out
        raise KubeflowError(f"{self.target}: more than {MAX_PAGES} pages of {key}")

    def list_recurring_runs(self) -> list[RecurringRun]:
        return [schedule_from_json(s) for s in self._vertex_pages(f"{self.parent}/schedules", "schedules", {})]

    def list_runs(self, created_after: float) -> list[PipelineRun]:
        flt = f'create_time>="{rfc3339(created_after)}"'
        rows = self._vertex_pages(f"{self.parent}/pipelineJobs", "pipelineJobs", {"filter": flt})
        return [job_from_json(j) for j in rows]

    def get_run(self, run_id: str) -> PipelineRun:
        return job_from_json(self._get(f"{self.parent}/pipelineJobs/{quote(run_id, safe='')}"), detailed=True)


def make_vertex_client(dep, env: Mapping[str, str], *, timeout: float = 10.0, connect_timeout: float = 3.0):
    """(sharing key, VertexClient) for a catalog deployment of kind vertex. ATLAS_VERTEX_ENDPOINT
    points it elsewhere (the emulator): then it sends ATLAS_VERTEX_TOKEN if set and never an
    ADC token, like Google's own emulator variables. Raises KubeflowError (one line)."""
    from atlas.kubeflow.auth import make_auth

    override = (env.get(ENDPOINT_ENV) or "").strip()
    if override:
        kind, token_env = ("bearer", TOKEN_ENV) if env.get(TOKEN_ENV) else ("none", "")
    else:
        kind, token_env = (dep.auth if dep.auth not in ("", "none") else "adc"), dep.token_env
    auth = make_auth(kind, env=env, audience=dep.audience, token_env=token_env, deployment=dep.id)
    host = override or dep.host
    key = ("vertex", host, "", dep.project, dep.region, kind, token_env)
    return key, VertexClient(dep.project, dep.region, host=host, auth=auth, timeout=timeout,
                             connect_timeout=connect_timeout)
