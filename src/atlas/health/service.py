"""HealthService: plan once, then refresh every signal with as few calls as possible.

`refresh()` is blocking (the TUI calls it from a thread worker; the CLI directly). It runs
the plan's query groups and log queries concurrently (bounded), evaluates, rolls up and
returns a HealthSnapshot. A failed group turns its signals into ERROR (keeping each one's
last known value and age) and adds ONE line to `snapshot.errors`. Nothing raises for a
remote failure; refreshes never overlap (a lock serialises them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from atlas.catalog.model import Catalog
from atlas.health import evaluate, logs, rollup
from atlas.health.dating import date_onsets
from atlas.health.model import ComponentHealth, SignalStatus, Status
from atlas.health.planner import LogBatch, LogQuery, QueryGroup, SignalPlan, plan
from atlas.health.specs import SignalSpec

ProgressCallback = Callable[[list[SignalStatus]], None]



@dataclass(slots=True)
class HealthSnapshot:
    components: dict[str, ComponentHealth] = field(default_factory=dict)
    systems: dict[str, Status] = field(default_factory=dict)
    taken_at: float = 0.0
    errors: list[str] = field(default_factory=list)  # one readable line per failed query group
    calls: int = 0  # RPCs made by this refresh, pages included
    duration: float = 0.0  # wall seconds the refresh took
    # endpoint -> why it did not answer at all ("emulator 127.0.0.1:9" -> "service unavailable
    # at ..."): every query to it failed for that one reason
    unreachable: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[Status, int]:
        return rollup.counts(self.components.values())

    def to_json(self) -> dict:
        return {
            "taken_at": self.taken_at,
            "calls": self.calls,
            "errors": list(self.errors),
            "systems": {k: v.value for k, v in self.systems.items()},
            "components": [c.to_json() for c in rollup.ordered(self.components.values())],
        }


class UnknownComponentError(LookupError):
    pass


class HealthService:
    def __init__(
        self,
        catalog: Catalog,
        *,
        clients=None,
        now: Callable[[], float] = time.time,
        max_concurrency: int = 128,
        client_factory: Callable[[], object] | None = None,
        page_size: int | None = None,
        kubeflow_factory: Callable[[], object] | None = None,  # -> atlas.kubeflow.reader.KubeflowReader
    ):
        self.catalog = catalog
        self.now = now
        # One gRPC channel multiplexes every call in flight, and Google's quota is per minute,
        # not per connection: at 250 ms a call, 128 in flight keep a 10,000-component refresh
        # (about 460 calls: four rounds) near a second and a half.
        self.max_concurrency = max(1, min(256, max_concurrency))
        self._clients = clients
        self._client_factory = client_factory
        self.page_size = page_size  # None: the API's maximum (tests page with small sizes)
        self._plan: SignalPlan | None = None
        # The Kubeflow reader sits above health (it judges runs into SignalStatus): whoever
        # builds the service hands it in; without one, Kubeflow signals read ERROR.
        self._kubeflow_factory = kubeflow_factory
        self._kubeflow = None
        self._last: dict[tuple[str, str], SignalStatus] = {}  # last status that had a value
        self._refresh_lock = threading.Lock()
        self._clients_lock = threading.Lock()
        # Endpoints found unreachable during the current refresh -> the message: the other
        # queries to them fail at once instead of each waiting out its retry deadline.
        self._down: dict[str, str] = {}
        self._until: float | None = None  # refresh(at=...): the past moment being evaluated
        self.last_snapshot: HealthSnapshot | None = None

    # -- set-up ----------------------------------------------------------------------------

    @property
    def plan(self) -> SignalPlan:
        if self._plan is None:
            self._plan = plan(self.catalog)
        return self._plan

    @property
    def clients(self):
        """Built on first use, in the calling (worker) thread: Google imports cost ~0.6 s."""
        with self._clients_lock:
            if self._clients is None:
                from atlas.health.clients import Clients

                if self._client_factory is None:
                    # core code never reads os.environ: whoever builds the service hands in
                    # the clients or a factory with its environment (atlas.services does)
                    problem = "no Google clients were given to the health service"
                    self._clients = Clients(monitoring_problem=problem, logging_problem=problem)
                    return self._clients
                try:
                    self._clients = self._client_factory()
                except Exception as exc:  # noqa: BLE001 - e.g. a malformed credentials file
                    problem = f"cannot set up the Google clients: {exc.__class__.__name__}: {str(exc)[:200]}"
                    self._clients = Clients(monitoring_problem=problem, logging_problem=problem)
            return self._clients

    @property
    def kubeflow(self):
        """The Kubeflow reader, built on first use (only catalogs with Kubeflow signals)."""
        with self._clients_lock:
            if self._kubeflow is None and self._kubeflow_factory is not None:
                self._kubeflow = self._kubeflow_factory()
            return self._kubeflow

    def close(self) -> None:
        if self._kubeflow is not None:
            self._kubeflow.close()
        if self._clients is not None and hasattr(self._clients, "close"):
            self._clients.close()

    # -- refresh ---------------------------------------------------------------------------

    def refresh(self, on_progress: ProgressCallback | None = None, *, at: float | None = None) -> HealthSnapshot:
        """Query everything once. `on_progress` gets each batch of signal statuses as soon as
        its query returns (the TUI paints the first statuses before the slowest call ends).
        `at`: evaluate as at that past moment (epoch s): windows end there, logs after it
        are left out (`atlas triage --at`)."""
        with self._refresh_lock:
            started = time.perf_counter()
            self._until = at
            snapshot = self._refresh(on_progress)
            snapshot.duration = time.perf_counter() - started
            self.last_snapshot = snapshot
            return snapshot

    def _refresh(self, on_progress: ProgressCallback | None) -> HealthSnapshot:
        signal_plan = self.plan
        now = self.now() if self._until is None else self._until
        clients = self.clients
        self._down = {}
        results: dict[tuple[str, str], SignalStatus] = {}
        errors: list[str] = []
        calls = 0

        for spec in signal_plan.unqueryable:
            results[(spec.component, spec.id)] = evaluate.unqueryable(spec)

        jobs: list[tuple[str, object]] = [("metric", g) for g in signal_plan.groups]
        jobs += [("logs", b) for b in signal_plan.log_batches]
        jobs += [("log", q) for q in signal_plan.log_queries]
        jobs += [("kubeflow", item) for item in signal_plan.kubeflow.items()]
        if jobs:
            workers = min(self.max_concurrency, len(jobs))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="atlas-health") as pool:
                futures = [pool.submit(self._run_job, clients, kind, job, now) for kind, job in jobs]
                for fut in as_completed(futures):
                    statuses, n, error = fut.result()
                    calls += n
                    if error:
                        errors.append(error)
                    for s in statuses:
                        results[(s.component, s.name)] = s
                    if on_progress is not None and statuses:
                        on_progress(statuses)

        for key, status in results.items():
            if status.value is not None and status.status is not Status.ERROR:
                self._last[key] = status

        components = {}
        for cid, specs in signal_plan.specs.items():
            signals = [results[(cid, s.id)] for s in specs if (cid, s.id) in results]
            components[cid] = rollup.component_health(cid, signals)
        errors.sort()
        return HealthSnapshot(
            components=components,
            systems=rollup.system_rollup(self.catalog, components),
            taken_at=now,
            errors=errors,
            calls=calls,
            unreachable=dict(self._down),
        )

    def _run_job(self, clients, kind: str, job, now: float) -> tuple[list[SignalStatus], int, str]:
        """Never raises: a failure becomes ERROR statuses and one message."""
        try:
            if kind == "metric":
                return self._run_group(clients, job, now)
            if kind == "logs":
                return self._run_log_batch(clients, job, now)
            if kind == "kubeflow":
                return self._run_kubeflow(job, now)
            return self._run_log(clients, job, now)
        except Exception as exc:  # noqa: BLE001 - a bug in one group must not blank the screen
            specs = [job.spec] if kind == "log" else list(job[1]) if kind == "kubeflow" else list(job.members)
            message = f"internal error ({exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
            return self._failed(specs, message, now), 0, f"{specs[0].id} in {specs[0].project}: {message}"

    def _failed(self, specs: list[SignalSpec], message: str, now: float) -> list[SignalStatus]:
        return [evaluate.failed(s, message, self._last.get((s.component, s.id)), now) for s in specs]

    def _skip(self, clients, api: str, members: list[SignalSpec], label: str, now: float, *, batch: bool = True):
        """The failed result when `api`'s client is missing or its endpoint already failed
        in this refresh (no call is made); None when the query should run."""
        name = {"monitoring": "Cloud Monitoring", "logging": "Cloud Logging"}[api]
        if getattr(clients, api, None) is None:
            message = getattr(clients, f"{api}_problem", "") or f"no {name} client"
        elif getattr(clients, f"{api}_target") in self._down:
            message = self._down[getattr(clients, f"{api}_target")]
        else:
            return None
        suffix = f" ({_affected(members)})" if batch else ""
        return self._failed(members, message, now), 0, f"{label}: {message}{suffix}"

    def _run_group(self, clients, group: QueryGroup, now: float):
        from atlas.health.clients import describe_error
        from atlas.health.monitoring import fetch_group

        members = group.members
        label = f"Cloud Monitoring {group.key.metric_type} in {group.project}"
        if (skipped := self._skip(clients, "monitoring", members, label, now)) is not None:
            return skipped
        target = clients.monitoring_target
        try:
            extra = {"page_size": self.page_size} if self.page_size else {}
            result = fetch_group(clients.monitoring, group, now, retry=clients.retry, timeout=clients.timeout, **extra)
        except ValueError as exc:  # an aligner/reducer name the API does not have
            message = f"unknown aggregation ({exc})"
            return self._failed(members, message, now), 0, f"{label}: {message} ({_affected(members)})"
        except Exception as exc:  # noqa: BLE001 - every remote failure becomes a status
            message = describe_error(exc, project=group.project, target=target, timeout=clients.timeout)
            self._note_down(target, exc, message)
            return self._failed(members, message, now), 1, f"{label}: {message} ({_affected(members)})"
        out = []
        for spec in members:
            key = spec.label_key
            if spec.type == "ratio":
                out.append(evaluate.evaluate_ratio(spec, result.by_label.get(key, {}), now))
            else:
                out.append(evaluate.evaluate_points(spec, result.points.get(key, ()), now))
        calls = result.calls + date_onsets(clients, group, out, now)
        return out, calls, ""

    def _run_log(self, clients, query: LogQuery, now: float):
        from atlas.health.clients import describe_error

        spec = query.spec
        label = f"Cloud Logging {spec.id} for {spec.component} in {spec.project}"
        if (skipped := self._skip(clients, "logging", [spec], label, now, batch=False)) is not None:
            return skipped
        target = clients.logging_target
        where = spec.log_resource or spec.project
        try:
            if spec.type == "log":
                read = logs.count_entries(clients.logging, where, spec.log_filter, now - spec.window,
                                          retry=clients.retry, timeout=clients.timeout, until=self._until)
                if read.incomplete and not read.entries:
                    return self._incomplete([spec], read.calls, now, label)
                newest = logs.entry_time(read.entries[0]) if read.entries else None
                status = evaluate.evaluate_log_count(spec, len(read.entries), now, read.more or read.incomplete, newest)
            else:
                newest, read = logs.newest_entry(clients.logging, where, spec.log_filter, now - spec.lookback,
                                                 retry=clients.retry, timeout=clients.timeout, until=self._until)
                if read.incomplete and newest is None:
                    return self._incomplete([spec], read.calls, now, label)
                status = evaluate.freshness(spec, newest, now)
        except Exception as exc:  # noqa: BLE001
            message = describe_error(exc, project=spec.project, target=target, timeout=clients.timeout)
            self._note_down(target, exc, message)
            return self._failed([spec], message, now), 1, f"{label}: {message}"
        return [status], read.calls, ""

    def _incomplete(self, specs: list[SignalSpec], calls: int, now: float, label: str):
        """A search that hit its bound with nothing seen yet: not 0, not "none": incomplete."""
        message = (f"log search incomplete: still running after {calls} pages "
                   f"(bound {logs.MAX_PAGES} pages / {logs.MAX_SECONDS:g} s)")
        return self._failed(specs, message, now), calls, f"{label}: {message}"

    def _run_log_batch(self, clients, batch: LogBatch, now: float):
        from atlas.health.clients import describe_error

        members = batch.members
        label = f"Cloud Logging {members[0].id} in {batch.project}"
        if (skipped := self._skip(clients, "logging", members, label, now)) is not None:
            return skipped
        target = clients.logging_target
        try:
            scan = logs.scan_batch(clients.logging, batch, now - batch.window,
                                   retry=clients.retry, timeout=clients.timeout, until=self._until)
        except Exception as exc:  # noqa: BLE001
            message = describe_error(exc, project=batch.project, target=target, timeout=clients.timeout)
            self._note_down(target, exc, message)
            return self._failed(members, message, now), 1, f"{label}: {message} ({_affected(members)})"
        out = []
        for key, spec in zip(batch.keys, members):
            if spec.type == "log" and scan.truncated and key not in scan.counts:
                # stopped at the bound before any entry of this member: unknown, never 0
                out += self._incomplete([spec], scan.calls, now, label)[0]
            elif spec.type == "log":
                out.append(evaluate.evaluate_log_count(spec, scan.counts.get(key, 0), now, scan.truncated))
            elif key in scan.newest or not scan.truncated:
                out.append(evaluate.freshness(spec, scan.newest.get(key), now))
            else:
                out.append(evaluate.failed(spec, f"more than {logs.BATCH_MAX_PAGES} pages of log entries; "
                                                 "newest entry not reached", self._last.get((spec.component, spec.id)), now))
        return out, scan.calls, ""

    def _run_kubeflow(self, job: tuple[str, list[SignalSpec]], now: float):
        """Every Kubeflow signal of one deployment from one reader pass (atlas.kubeflow.reader)."""
        deployment, specs = job
        reader = self.kubeflow
        label = f"Kubeflow {deployment or '(no kubeflow label)'}"
        if reader is None:
            message = "no Kubeflow reader given to the health service"
            return self._failed(specs, message, now), 0, f"{label}: {message} ({_affected(specs)})"
        target = reader.target(deployment)
        if target in self._down:
            return self._failed(specs, self._down[target], now), 0, f"{label}: {self._down[target]} ({_affected(specs)})"
        statuses, calls, problem, unreachable = reader.statuses(deployment, specs, now,
                                                                past=self._until is not None)
        if problem:
            if unreachable:
                self._down.setdefault(target, problem)
            return self._failed(specs, problem, now), calls, f"{label}: {problem} ({_affected(specs)})"
        return statuses, calls, ""

    def _note_down(self, target: str, exc: BaseException, message: str) -> None:
        """Remember an endpoint that did not answer at all (not one that refused a query)."""
        from atlas.health.clients import is_credentials_refused, is_unreachable

        # a refused credential fails every later call the same way: say it once, call no more
        if target and (is_unreachable(exc) or is_credentials_refused(exc)):
            self._down.setdefault(target, message)

    # -- recent errors ---------------------------------------------------------------------

    def recent_errors(self, component_id: str, limit: int = 50, lookback: float = 86400.0) -> list[logs.LogLine]:
        """Newest severity>=ERROR entries for the component (raises UnknownComponentError, or
        HealthQueryError with one readable line when the query fails or there is no filter)."""
        from atlas.health.clients import describe_error

        component = self.catalog.components.get(component_id)
        if component is None:
            raise UnknownComponentError(f"unknown component {component_id!r}")
        flt = self.catalog.log_filter_for(component)
        where = getattr(component, "log_resource", "") or ""
        if not flt:
            raise HealthQueryError(f"component {component_id} has no log filter (add a [[log_filter]] for kind {component.kind})")
        project = component.project
        clients = self.clients
        if getattr(clients, "logging", None) is None:
            raise HealthQueryError(getattr(clients, "logging_problem", "") or "no Cloud Logging client")
        limit = max(1, min(int(limit), logs.COUNT_CAP))
        try:
            return logs.recent_errors(clients.logging, where or project, flt, self.now() - lookback, limit,
                                      retry=clients.retry, timeout=clients.timeout)
        except logs.IncompleteSearch as exc:
            raise HealthQueryError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001
            raise HealthQueryError(describe_error(exc, project=project, target=clients.logging_target,
                                                  timeout=clients.timeout)) from None


class HealthQueryError(RuntimeError):
    """A query that failed; str() is one line for a person."""


def _affected(specs: list[SignalSpec]) -> str:
    n = len(specs)
    comps = len({s.component for s in specs})
    return f"{n} signal{'s' if n != 1 else ''} on {comps} component{'s' if comps != 1 else ''}"
