"""KfpEmulator: a loopback HTTP server speaking the Kubeflow Pipelines v2beta1 REST API.

Routes (backend/api/v2beta1/{run,recurring_run,healthz}.proto, google.api.http options):
GET /apis/v2beta1/recurringruns, /apis/v2beta1/recurringruns/{id}, /apis/v2beta1/runs,
/apis/v2beta1/runs/{id}, /apis/v2beta1/healthz. Errors have grpc-gateway's body
{"code", "message", "details"}. The recurring-run list key is `recurringRuns`: the proto
names the field that way (ListRecurringRunsResponse), unlike every other field.

Faults (like the GitHub emulator's): `emulator.faults.add("503", path_regex="/runs", times=2)`;
kinds 500, 503, 401, drop (close the connection), slow (`delay` seconds, then answer).
"""

from __future__ import annotations

import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from atlas.emulators.loopback_http import FaultPlan, LoopbackHandler, LoopbackHttpServer

from . import listing, render
from .seed import KfpSeed, parse_seed, stable_id

PREFIX = "/apis/v2beta1"
FAULT_KINDS = ("500", "503", "401", "drop", "slow")
# API field -> the value filters and sorting compare (model/run.go runAPIToModelFieldMap and
# model/job.go jobAPIToModelFieldMap; the rest of those maps are not served here).
RUN_FIELDS = {"run_id", "display_name", "created_at", "finished_at", "scheduled_at", "state", "namespace",
              "experiment_id", "recurring_run_id", "storage_state"}
RECURRING_FIELDS = {"recurring_run_id", "display_name", "created_at", "updated_at"}


class KfpEmulator(LoopbackHttpServer):
    def __init__(self, seed: KfpSeed | dict[str, Any] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 now: Callable[[], float] = time.time, token: str | None = None) -> None:
        if not host.startswith("127.") and host != "localhost":
            raise ValueError(f"KfpEmulator serves loopback only, not {host!r}")
        self.seed = seed if isinstance(seed, KfpSeed) else parse_seed(seed, now())
        self.faults = FaultPlan(FAULT_KINDS)
        self.requests: list[str] = []  # "GET /apis/v2beta1/runs?..." as received
        self._token = token
        self._host, self._port = host, port
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._runs = [(self._run_fields(r), render.run(r)) for r in self.seed.runs]
        self._recurring = [(self._rr_fields(rr), render.recurring_run(rr)) for rr in self.seed.recurring_runs]

    @staticmethod
    def _run_fields(r) -> dict:
        return {"id": r.run_id, "run_id": r.run_id, "display_name": r.display_name, "created_at": int(r.created),
                "scheduled_at": int(r.created), "finished_at": int(r.finished or 0), "state": r.state,
                "namespace": r.namespace, "experiment_id": stable_id(r.namespace, "Default"),
                "recurring_run_id": r.recurring_run_id, "storage_state": "AVAILABLE"}

    @staticmethod
    def _rr_fields(rr) -> dict:
        return {"id": rr.recurring_run_id, "recurring_run_id": rr.recurring_run_id, "display_name": rr.display_name,
                "created_at": int(rr.created), "updated_at": int(rr.updated), "namespace": rr.namespace}

    # -- API ---------------------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        if path == f"{PREFIX}/healthz":
            return 200, {"multi_user": False}
        if path == f"{PREFIX}/runs":
            return self._list(self._runs, query, RUN_FIELDS, "runs")
        if path == f"{PREFIX}/recurringruns":
            return self._list(self._recurring, query, RECURRING_FIELDS, "recurringRuns")
        for prefix, items, what in ((f"{PREFIX}/runs/", self._runs, "Run"),
                                    (f"{PREFIX}/recurringruns/", self._recurring, "RecurringRun")):
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                wanted = path[len(prefix):]
                for fields, body in items:
                    if fields["id"] == wanted:
                        return 200, body
                return 404, _error(5, f"{what} {wanted} not found")
        return 404, _error(5, "Not Found")

    def _list(self, items, query: dict[str, str], fields: set[str], key: str) -> tuple[int, dict]:
        namespace = query.get("namespace")
        scoped = [f for f, _ in items if not namespace or f["namespace"] == namespace]
        by_id = {f["id"]: body for f, body in items}
        try:
            page, total, token = listing.select(scoped, query, fields, "created_at", lambda f, k: f.get(k))
        except listing.InvalidInput as exc:
            return 400, _error(3, str(exc))
        out: dict[str, Any] = {}
        if page:
            out[key] = [by_id[f["id"]] for f in page]
        if total:
            out["total_size"] = total
        if token:
            out["next_page_token"] = token
        return 200, out

    def authorized(self, header: str | None) -> bool:
        return self._token is None or header == f"Bearer {self._token}"


def _error(code: int, message: str) -> dict:
    return {"code": code, "message": message, "details": []}


class _Handler(LoopbackHandler):
    emulator: KfpEmulator

    def fault_body(self, status: int) -> dict:
        if status == 401:
            return _error(16, "Unauthenticated")
        return _error(14 if status == 503 else 13, "upstream connect error")

    def answer(self) -> None:
        emulator = self.emulator
        if not emulator.authorized(self.headers.get("Authorization")):
            return self.send_json(401, _error(16, "Unauthenticated"))
        parts = urlsplit(self.path)
        # Go's url.ParseQuery (what grpc-gateway reads) decodes once, '+' included.
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        status, body = emulator.handle(parts.path, query)
        self.send_json(status, body)


KfpEmulator.HANDLER = _Handler  # defined below the emulator it serves
