"""VertexEmulator: a loopback HTTP server speaking the Vertex AI v1 REST API for pipelines.

Routes (google.api.http options in googleapis google/cloud/aiplatform/v1/pipeline_service.proto
and schedule_service.proto): GET /v1/{parent=projects/*/locations/*}/pipelineJobs,
/v1/{name=projects/*/locations/*/pipelineJobs/*}, /v1/{parent=projects/*/locations/*}/schedules,
/v1/{name=projects/*/locations/*/schedules/*}.

Refusals, in the order Google answers them:
- no bearer token: 401 UNAUTHENTICATED "Request is missing required authentication credential"
  (reason CREDENTIALS_MISSING); a wrong one: 401 "Request had invalid authentication credentials";
- another project: 403 PERMISSION_DENIED "Permission '...' denied on resource '//aiplatform.
  googleapis.com/projects/P/locations/L' (or it may not exist)." (googleapis/python-aiplatform#852);
- a location other than the regional host's: 400 INVALID_ARGUMENT, field violation on `parent`:
  "The provided location ID doesn't match the endpoint. The valid location ID is `R`."
  (googleapis/python-aiplatform#1684, kubeflow/pipelines#6011). One emulator is one region;
- an unknown query parameter: 400 "Cannot bind query parameter" (gRPC transcoding accepts the
  proto name and the JSON name of a request field, and the system parameters);
- filter / orderBy / pageSize / pageToken: see listing.py.
Errors use Google's JSON error body {"error": {"code", "message", "status", "details"}}
(cloud.google.com/apis/design/errors).

Faults: `emulator.faults.add("503", path_regex="/pipelineJobs$", times=2)`; kinds 500, 503, 429,
401, drop (close the connection), slow (`delay` seconds, then answer).
"""

from __future__ import annotations

import re
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

from atlas.emulators.loopback_http import FaultPlan, LoopbackHandler, LoopbackHttpServer

from . import listing, render
from .listing import TIME_OPS, Field, InvalidArgument
from .seed import VertexSeed, parse_seed

DEMO_TOKEN = "atlas-vertex-demo-token"  # a fixed fake; real Vertex accepts none of these
FAULT_KINDS = ("500", "503", "429", "401", "drop", "slow")
DEFAULT_PAGE = 100  # ListSchedulesRequest.page_size: "Default to 100 if not specified"
JOB_STATES = tuple(f"PIPELINE_STATE_{s}" for s in ("UNSPECIFIED", "QUEUED", "PENDING", "RUNNING", "SUCCEEDED",
                                                   "FAILED", "CANCELLING", "CANCELLED", "PAUSED"))
# ListPipelineJobsRequest.filter's documented fields and operators
JOB_FIELDS = {
    "pipeline_name": Field(("=", "!=")), "display_name": Field(("=", "!=", ":")),
    "pipeline_job_user_id": Field(("=", "!=", ":")), "state": Field(("=", "!="), values=JOB_STATES),
    "create_time": Field(TIME_OPS, "time"), "update_time": Field(TIME_OPS, "time"),
    "end_time": Field(TIME_OPS, "time"), "labels": Field(("=", "!=", ":"), "labels"),
    "template_uri": Field(("=", "!=", ":")), "template_metadata.version": Field(("=", "!=", ":")),
}
JOB_ORDER = {"create_time", "update_time", "end_time", "start_time"}
# ListSchedulesRequest.filter's
SCHEDULE_FIELDS = {
    "display_name": Field(("=", "!=", ":")),
    "state": Field(("=", "!="), values=("STATE_UNSPECIFIED", "ACTIVE", "PAUSED", "COMPLETED")),
    "create_pipeline_job_request": Field((":",)), "create_time": Field(TIME_OPS, "time"),
    "start_time": Field(TIME_OPS, "time"), "end_time": Field((*TIME_OPS, ":"), "time"),
    "next_run_time": Field(TIME_OPS, "time"),
}
SCHEDULE_ORDER = {"create_time", "start_time", "end_time", "next_run_time"}
_LIST_PARAMS = {"filter", "pageSize", "page_size", "pageToken", "page_token", "orderBy", "order_by"}
_JOB_LIST_PARAMS = _LIST_PARAMS | {"readMask", "read_mask"}
_SYSTEM_PARAMS = {"alt", "fields", "prettyPrint", "key", "quotaUser", "$.xgafv", "callback", "upload_protocol",
                  "uploadType"}
_PATH = re.compile(r"/v1/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/(?P<what>pipelineJobs|schedules)"
                   r"(?:/(?P<id>[^/]+))?")
_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


def error(code: int, message: str, details: list | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message, "status": _STATUS[code]}
    if details:
        body["details"] = details
    return {"error": body}


class VertexEmulator(LoopbackHttpServer):
    def __init__(self, seed: VertexSeed | dict[str, Any] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 now: Callable[[], float] = time.time, token: str = DEMO_TOKEN, page_cap: int = 100,
                 project: str = "demo-project") -> None:
        if not host.startswith("127.") and host != "localhost":
            raise ValueError(f"VertexEmulator serves loopback only, not {host!r}")
        started = now()
        self.seed = seed if isinstance(seed, VertexSeed) else parse_seed(seed, started, project=project)
        self.faults = FaultPlan(FAULT_KINDS)
        self.requests: list[str] = []  # "GET /v1/...?..." as received
        self.page_cap = page_cap
        self._now = now
        self.token = token  # the one bearer token it accepts (handed to clients by RunningEmulators.env)
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        seed_ = self.seed
        newest: dict[str, Any] = {}
        for j in seed_.jobs:
            if j.schedule_id not in newest or j.created > newest[j.schedule_id].created:
                newest[j.schedule_id] = j
        self._jobs = [(self._job_fields(j), render.job(seed_, j, detailed=False), render.job(seed_, j, detailed=True))
                      for j in seed_.jobs]
        self._schedules = []
        for s in seed_.schedules:
            body = render.schedule(seed_, s, started, newest.get(s.schedule_id))
            self._schedules.append((self._schedule_fields(s, body), body, body))

    @staticmethod
    def _job_fields(j) -> dict:
        return {"id": j.job_id, "pipeline_name": j.pipeline, "display_name": j.display_name,
                "pipeline_job_user_id": j.job_id, "state": f"PIPELINE_STATE_{j.state}", "create_time": j.created,
                "start_time": j.created + 2, "update_time": j.finished if j.finished is not None else j.created + 2,
                "end_time": j.finished, "labels": {}, "template_uri": None, "template_metadata.version": None}

    @staticmethod
    def _schedule_fields(s, body: dict) -> dict:
        nxt = body.get("nextRunTime")
        return {"id": s.schedule_id, "display_name": s.display_name, "state": s.state, "create_time": s.created,
                "start_time": s.created, "end_time": None, "create_pipeline_job_request": "*",
                "next_run_time": listing._rfc3339(nxt, "next_run_time") if nxt else None}

    # -- API ---------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], authorization: str | None) -> tuple[int, dict]:
        if not authorization or not authorization.startswith("Bearer ") or not authorization[7:].strip():
            return 401, error(401, "Request is missing required authentication credential. Expected OAuth 2 access "
                                   "token, login cookie or other valid authentication credential. See "
                                   "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                              [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING",
                                "domain": "googleapis.com"}])
        if authorization[7:].strip() != self.token:
            return 401, error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                   "login cookie or other valid authentication credential. See "
                                   "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                              [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_EXPIRED",
                                "domain": "googleapis.com"}])
        m = _PATH.fullmatch(unquote(path))
        if not m:
            return 404, error(404, f"The requested URL {path} was not found on this server.")
        what, ident = m["what"], m["id"]
        seed = self.seed
        if m["project"] not in (seed.project, seed.project_number):
            permission = f"aiplatform.{what}.{'get' if ident else 'list'}"
            return 403, error(403, f"Permission '{permission}' denied on resource '//aiplatform.googleapis.com/"
                                   f"projects/{m['project']}/locations/{m['location']}' (or it may not exist).")
        if m["location"] != seed.location:
            text = f"The provided location ID doesn't match the endpoint. The valid location ID is `{seed.location}`."
            field = "name" if ident else "parent"
            return 400, error(400, f"List of found errors:\t1.Field: {field}; Message: {text}\t",
                              [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                "fieldViolations": [{"field": field, "description": text}]}])
        allowed = set() if ident else (_JOB_LIST_PARAMS if what == "pipelineJobs" else _LIST_PARAMS)
        for name in query:
            if name not in allowed | _SYSTEM_PARAMS:
                return 400, error(400, f"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query "
                                       f"parameter. Field '{name}' could not be found in request message.")
        items = self._jobs if what == "pipelineJobs" else self._schedules
        if ident:
            for fields, _, detailed in items:
                if fields["id"] == ident:
                    return 200, detailed
            kind = "PipelineJob" if what == "pipelineJobs" else "Schedule"
            return 404, error(404, f"{kind} {render.parent(seed)}/{what}/{ident} does not exist.")
        try:
            return 200, self._list(items, query, what)
        except InvalidArgument as exc:
            return 400, error(400, str(exc))

    def _list(self, items, query: dict[str, str], what: str) -> dict:
        jobs = what == "pipelineJobs"
        flt = query.get("filter", "")
        order_by = query.get("orderBy", query.get("order_by", ""))
        node = listing.parse_filter(flt, JOB_FIELDS if jobs else SCHEDULE_FIELDS)
        keys = listing.parse_order(order_by, JOB_ORDER if jobs else SCHEDULE_ORDER)
        size = listing.page_size(query.get("pageSize", query.get("page_size")), DEFAULT_PAGE, self.page_cap)
        token = query.get("pageToken", query.get("page_token", ""))
        offset = listing.decode_token(token, flt, order_by) if token else 0
        chosen = listing.order([f for f, _, _ in items if listing.matches(node, f)], keys)
        by_id = {f["id"]: body for f, body, _ in items}
        page = chosen[offset:offset + size]
        out: dict[str, Any] = {}
        if page:
            out[what] = [by_id[f["id"]] for f in page]
            mask = query.get("readMask", query.get("read_mask"))
            if mask:
                keep = {p.split(".")[0] for p in mask.split(",")}
                keep |= {listing._camel(k) for k in keep}
                out[what] = [{k: v for k, v in body.items() if k in keep} for body in out[what]]
        if offset + size < len(chosen):
            out["nextPageToken"] = listing.encode_token(offset + size, flt, order_by)
        return out


class _Handler(LoopbackHandler):
    emulator: VertexEmulator
    content_type = "application/json; charset=UTF-8"

    def fault_body(self, status: int) -> dict:
        text = {401: "Request had invalid authentication credentials.",
                500: "Internal error encountered.", 503: "The service is currently unavailable.",
                429: "Quota exceeded for quota metric 'Resource management (CRUD) requests' and limit "
                     "'Resource management (CRUD) requests per minute per region' of service "
                     "'aiplatform.googleapis.com'"}[status]
        return error(status, text)

    def extra_headers(self, status: int) -> list[tuple[str, str]]:
        return [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')] if status == 401 else []

    def answer(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        status, body = self.emulator.handle(parts.path, query, self.headers.get("Authorization"))
        self.send_json(status, body)


VertexEmulator.HANDLER = _Handler  # defined below the emulator it serves
