"""Seed records -> the JSON Vertex AI's REST API returns (proto3 JSON of google/cloud/aiplatform/v1).

What a client meets on the wire (googleapis: pipeline_job.proto, schedule.proto, and the REST
reference for PipelineJob and Schedule):
- lowerCamelCase names; unset fields and empty lists are left out (an empty list is `{}`);
- Timestamps are RFC 3339, "Z-normalized and uses 0, 3, 6 or 9 fractional digits" (here 6);
- int64 fields are JSON strings (taskId, parentTaskId, startedRunCount, maxConcurrentRunCount);
- PipelineJob.job_detail is "Not available in the list view": only GetPipelineJob has the
  task details; job_detail.task_details holds the root DAG (the pipeline, no parentTaskId:
  "Empty if the task is at the root level") and its tasks, whose parentTaskId is the root's;
- resource names carry the project number, as the service returns them;
- PipelineJob.error / PipelineTaskDetail.error are google.rpc.Status, "Only populated when
  the ... state is FAILED or CANCELLED"; schedule_name links a job to its Schedule.
"""

from __future__ import annotations

import datetime as dt
import itertools

from .seed import SeedJob, SeedSchedule, SeedTask, VertexSeed, stable_number


def ts(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _cron_set(text: str, lo: int, hi: int) -> set[int]:
    out: set[int] = set()
    for item in text.split(","):
        body, _, step = item.partition("/")
        a, b = (lo, hi) if body in ("*", "?") else (int(body.split("-")[0]), int(body.split("-")[-1]))
        out.update(range(a, (hi if step and "-" not in body else b) + 1, int(step or 1)))
    return out


def next_fire(cron: str, after: float) -> float | None:
    """nextRunTime: the first fire of a five-field cron after `after`, in its TZ= zone (numeric
    fields, lists, ranges and steps: what seeds use). The emulator's own, not atlas's parser."""
    from zoneinfo import ZoneInfo

    fields, tz = cron.split(), dt.timezone.utc
    if fields and fields[0].startswith(("TZ=", "CRON_TZ=")):
        tz, fields = ZoneInfo(fields[0].split("=", 1)[1]), fields[1:]
    try:
        mins, hours, days, months, dows = (_cron_set(f, lo, hi) for f, (lo, hi) in
                                           zip(fields, ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))))
    except ValueError:
        return None
    start = dt.datetime.fromtimestamp(int(after), tz)
    for d in range(400):
        day = start.date() + dt.timedelta(days=d)
        dow_ok = (day.isoweekday() % 7) in dows or (day.isoweekday() == 7 and 7 in dows)
        if day.month not in months or not (day.day in days and dow_ok):
            continue
        for h, m in itertools.product(sorted(hours), sorted(mins)):
            at = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=tz)
            if at > start:
                return at.timestamp()
    return None


def parent(seed: VertexSeed) -> str:
    return f"projects/{seed.project_number}/locations/{seed.location}"


def schedule(seed: VertexSeed, s: SeedSchedule, now: float, last_job: SeedJob | None) -> dict:
    out = {
        "name": f"{parent(seed)}/schedules/{s.schedule_id}",
        "displayName": s.display_name,
        "startTime": ts(s.created),
        "state": s.state,
        "createTime": ts(s.created),
        "updateTime": ts(s.updated),
        "cron": s.cron,
        "maxConcurrentRunCount": "1",
        "startedRunCount": str(s.started),
        "createPipelineJobRequest": {
            "parent": f"projects/{seed.project}/locations/{seed.location}",
            "pipelineJob": {"displayName": s.pipeline,
                            "runtimeConfig": {"gcsOutputDirectory": f"gs://{seed.project}-pipelines/{s.pipeline}"},
                            "templateUri": f"https://{seed.location}-kfp.pkg.dev/{seed.project}/pipelines/{s.pipeline}/latest"},
        },
    }
    if s.state == "ACTIVE":
        nxt = next_fire(s.cron, now)
        if nxt:
            out["nextRunTime"] = ts(nxt)
    if s.paused_at is not None:
        out["lastPauseTime"] = ts(s.paused_at)
    if last_job is not None:
        out["lastScheduledRunResponse"] = {"scheduledRunTime": ts(last_job.created),
                                           "runResponse": f"{parent(seed)}/pipelineJobs/{last_job.job_id}"}
    return out


def _status(message: str) -> dict:
    return {"code": 9, "message": message}  # google.rpc.Status, FAILED_PRECONDITION


def _task(seed: VertexSeed, job: SeedJob, t: SeedTask | None, root_id: str) -> dict:
    name = t.name if t else job.pipeline
    start = t.start if t else job.created
    end = t.end if t else job.finished
    state = t.state if t else {"RUNNING": "RUNNING"}.get(job.state, job.state)
    out = {"taskId": stable_number(job.job_id, name, digits=19) if t else root_id, "taskName": name,
           "createTime": ts(start), "startTime": ts(start), "state": state}
    if t:
        out["parentTaskId"] = root_id
        out["executorDetail"] = {"containerDetail": {
            "mainJob": f"{parent(seed)}/customJobs/{stable_number(job.job_id, name, 'job', digits=19)}"}}
        out["taskUniqueName"] = name
    if end is not None:
        out["endTime"] = ts(end)
    history = [{"updateTime": ts(start), "state": "RUNNING"}]
    if end is not None:
        history.append({"updateTime": ts(end), "state": state})
    error = t.error if t else ""
    if not t and job.state == "FAILED":
        error = "The DAG failed because some tasks failed. The failed tasks are: [" + ", ".join(
            x.name for x in job.tasks if x.state == "FAILED") + "]."
    if error:
        out["error"] = _status(error)
        history[-1]["error"] = _status(error)
    out["pipelineTaskStatus"] = history
    return out


def job(seed: VertexSeed, j: SeedJob, *, detailed: bool) -> dict:
    out = {
        "name": f"{parent(seed)}/pipelineJobs/{j.job_id}",
        "displayName": j.display_name,
        "createTime": ts(j.created),
        "startTime": ts(j.created + 2),
        "updateTime": ts(j.finished if j.finished is not None else j.created + 2),
        "pipelineSpec": {"pipelineInfo": {"name": j.pipeline}, "schemaVersion": "2.1.0", "sdkVersion": "kfp-2.7.0"},
        "state": f"PIPELINE_STATE_{j.state}",
        "labels": {"vertex-ai-pipelines-run-billing-id": stable_number(j.job_id, "billing")},
        "runtimeConfig": {"gcsOutputDirectory": f"gs://{seed.project}-pipelines/{j.pipeline}"},
        "serviceAccount": f"{seed.project_number}-compute@developer.gserviceaccount.com",
        "scheduleName": f"{parent(seed)}/schedules/{j.schedule_id}",
    }
    if j.finished is not None:
        out["endTime"] = ts(j.finished)
    if j.state == "FAILED":
        failed = ", ".join(t.name for t in j.tasks if t.state == "FAILED")
        out["error"] = _status(f"The DAG failed because some tasks failed. The failed tasks are: [{failed}].; "
                               f"Job (project_id = {seed.project}, job_id = {j.job_id}) is failed due to the "
                               "above error.")
    if detailed:
        root_id = stable_number(j.job_id, "root", digits=19)
        context = f"{parent(seed)}/metadataStores/default/contexts"
        out["jobDetail"] = {
            "pipelineContext": {"name": f"{context}/{j.pipeline}", "displayName": j.pipeline},
            "pipelineRunContext": {"name": f"{context}/{j.display_name}", "displayName": j.display_name},
            "taskDetails": [_task(seed, j, None, root_id)] + [_task(seed, j, t, root_id) for t in j.tasks],
        }
    return out
