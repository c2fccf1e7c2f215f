"""GcpEmulator: Cloud Monitoring and Cloud Logging over gRPC on one loopback port.

A `grpc.server` with generic handlers for the method paths the client libraries call,
(de)serialising with their own protobuf classes. Unimplemented methods answer UNIMPLEMENTED,
as grpc does for any unknown method.
"""

from __future__ import annotations

import collections
import threading
import time
from concurrent import futures
from typing import Any, Callable

from atlas.emulators.gcp import faults as _faults
from atlas.emulators.scenario import FaultSpec, Scenario, parse_fault

LOOPBACK = ("127.0.0.1", "localhost")
MAX_PAGE_BYTES = 3 * 1024 * 1024  # below gRPC's default 4 MB receive limit


class GcpEmulator:
    def __init__(self, scenario: Scenario, host: str = "127.0.0.1", port: int = 0, *,
                 now: Callable[[], float] = time.time, max_workers: int = 16,
                 keep_requests: int = 10_000) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the GCP emulator binds to loopback only, not {host!r}")
        self.scenario = scenario
        self.host = host
        self.port = port
        self.now = now  # injectable clock: tests freeze it
        self.calls: collections.Counter[str] = collections.Counter()
        # first word of each call's x-goog-api-client header (the client's user agent)
        self.user_agents: collections.Counter[str] = collections.Counter()
        self.requests: list[Any] = []  # the most recent `keep_requests` (up to twice that)
        self._keep_requests = keep_requests
        self.faults = _faults.FaultBook(scenario.faults)
        self._max_workers = max_workers
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self._index: dict[tuple[str, str], list] = {}
        self._index_key: tuple[int, int] | None = None
        self._log_reads_minute = -1
        self._log_reads: collections.Counter[str] = collections.Counter()

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        import grpc
        from google.cloud.logging_v2 import types as lt
        from google.cloud.monitoring_v3 import types as mt

        from atlas.emulators.gcp import logs, monitoring

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="gcp-emu"),
                             options=[("grpc.so_reuseport", 0)])

        def handler(name: str, fn, req_cls, resp_cls):
            def call(request, context):
                agent = next((v for k, v in context.invocation_metadata() if k == "x-goog-api-client"), "")
                with self._lock:
                    self.calls[name] += 1
                    self.user_agents[agent.split(" ", 1)[0]] += 1
                    self.requests.append(request)
                    if len(self.requests) > 2 * self._keep_requests:  # a demo runs for days
                        del self.requests[:-self._keep_requests]
                return fn(self, request, context)

            return grpc.unary_unary_rpc_method_handler(
                call, request_deserializer=req_cls.pb().FromString, response_serializer=resp_cls.pb().SerializeToString)

        server.add_generic_rpc_handlers((
            grpc.method_handlers_generic_handler("google.monitoring.v3.MetricService", {
                "ListTimeSeries": handler("ListTimeSeries", monitoring.list_time_series,
                                          mt.ListTimeSeriesRequest, mt.ListTimeSeriesResponse),
                "ListMetricDescriptors": handler("ListMetricDescriptors", monitoring.list_metric_descriptors,
                                                 mt.ListMetricDescriptorsRequest, mt.ListMetricDescriptorsResponse)}),
            grpc.method_handlers_generic_handler("google.monitoring.v3.AlertPolicyService", {
                "ListAlertPolicies": handler("ListAlertPolicies", monitoring.list_alert_policies,
                                             mt.ListAlertPoliciesRequest, mt.ListAlertPoliciesResponse)}),
            grpc.method_handlers_generic_handler("google.logging.v2.LoggingServiceV2", {
                "ListLogEntries": handler("ListLogEntries", logs.list_log_entries,
                                          lt.ListLogEntriesRequest, lt.ListLogEntriesResponse)}),
        ))
        if self.scenario.pubsub is not None:  # Pub/Sub admin (atlas discover --gcp)
            from atlas.emulators.gcp import pubsub

            server.add_generic_rpc_handlers(pubsub.handlers(handler))
        try:
            bound = server.add_insecure_port(f"{self.host}:{self.port}")
        except RuntimeError:  # grpc's way of saying the bind failed
            bound = 0
        if not bound:
            raise OSError(f"cannot listen on {self.host}:{self.port} (port in use?)")
        self.port = bound
        self._stopping.clear()
        server.start()
        self._server = server
        return self.address

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def stop(self, grace: float = 0.5) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.stop(grace).wait()
            self._server = None

    def __enter__(self) -> "GcpEmulator":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------------

    def inject_fault(self, target: str = "*", kind: str = "UNAVAILABLE", *, ms: int = 0,
                     times: int | None = None) -> FaultSpec:
        """E.g. inject_fault("logging", "PERMISSION_DENIED", times=1) or
        inject_fault("*", "latency", ms=300). Raises ScenarioError on a bad fault."""
        entry: dict[str, Any] = {"target": target, "kind": kind, "ms": ms}
        if times is not None:
            entry["times"] = times
        spec = parse_fault(entry, "inject_fault")
        self.faults.add(spec)
        return spec

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- helpers for the servicers ----------------------------------------------------------

    def series_of(self, project: str, metric_type: str) -> list:
        """The scenario's series of one (project, metric type): an index, so that a call
        costs the same for a 10-series scenario and a 50,000-series one. Rebuilt when
        the scenario's series list changes size (tests may add to it)."""
        series = self.scenario.series
        with self._lock:
            if self._index_key != (id(series), len(series)):
                index: dict[tuple[str, str], list] = {}
                for spec in series:
                    index.setdefault((spec.project, spec.metric_type), []).append(spec)
                self._index, self._index_key = index, (id(series), len(series))
            return self._index.get((project, metric_type), [])

    def take_log_read(self, projects: list[str], now: float) -> bool:
        """Count one entries.list call against each project's per-minute read quota; False
        when a project is over it (the call is refused)."""
        minute = int(now // 60)
        with self._lock:
            if self._log_reads_minute != minute:
                self._log_reads_minute, self._log_reads = minute, collections.Counter()
            if any(self._log_reads[p] >= self.scenario.logging_read_quota for p in projects):
                return False
            for p in projects:
                self._log_reads[p] += 1
            return True

    def suffer_faults(self, method: str, target: str | None, context) -> None:
        hit = self.faults.take(method, target)
        if hit:
            _faults.apply(hit, context, self._stopping)

    @staticmethod
    def reject(context, message: str) -> None:
        import grpc

        context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)

    def page(self, items: list, page_size: int, page_token: str, context,
             add: Callable[[Any], int] | None = None) -> tuple[list, str]:
        """Offset paging with a token we issued (anything else is rejected). With `add`
        (which appends one item to the response and returns its size in bytes), a page also
        ends before it outgrows MAX_PAGE_BYTES: like Google, a page may hold fewer than
        page_size items, and clients with the default 4 MB receive limit still get it."""
        offset = 0
        if page_token:
            if not page_token.startswith("atlas-") or not page_token[6:].isdigit() \
                    or int(page_token[6:]) > len(items):
                self.reject(context, f"page_token {page_token!r} is not valid")
            offset = int(page_token[6:])
        end = len(items) if page_size <= 0 else min(len(items), offset + page_size)
        if add is not None:
            used = 0
            for i in range(offset, end):
                used += add(items[i])
                if used > MAX_PAGE_BYTES and i + 1 < end:
                    end = i + 1
                    break
        return items[offset:end], (f"atlas-{end}" if end < len(items) else "")
