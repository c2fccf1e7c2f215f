"""KubeflowReader: every Kubeflow signal of a deployment from a fixed number of calls.

Per deployment (endpoint + namespace) and refresh:
1. the recurring runs, listed once and cached for `recurring_ttl` seconds (their ids change
   only when one is re-created; the catalog knows them by display name);
2. ONE list of runs filtered on `created_at`, grouped here by `recurring_run_id`. The first
   refresh reads the whole window; later ones read only what was created since the last
   refresh (or since the oldest run still unfinished, whose state may have moved);
3. one detail call (GetRun / GetPipelineJob) per newest run that FAILED, once per run.
So the calls per refresh grow with new runs and failures, not with the number of recurring
runs. `make_reader(catalog, env)` builds it; `KF_PIPELINES_ENDPOINT` in `env` (the kfp
SDK's variable) points every self-hosted deployment at one host, e.g. the emulator, and
`ATLAS_VERTEX_ENDPOINT` every Vertex one. Vertex lists jobs without tasks: a step or model
signal on a Vertex deployment adds a GetPipelineJob per new job it needs (kept once finished).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from atlas.health.specs import SignalSpec
from atlas.kubeflow.cron import Cron, CronError
from atlas.kubeflow.kfp import KfpClient, KubeflowError
from atlas.kubeflow.model import DeploymentRuns, PipelineRun, RecurringRun, as_of

ENDPOINT_ENV = "KF_PIPELINES_ENDPOINT"
RECURRING_TTL = 600.0
MIN_WINDOW = 8 * 86400  # a week of nightly runs plus a day
MAX_WINDOW = 42 * 86400
OVERLAP = 300.0  # re-read the last 5 min: a run created during the previous list is not lost


@dataclass(slots=True)
class _State:
    client: object
    recurring: dict[str, RecurringRun] = field(default_factory=dict)
    recurring_at: float | None = None
    runs: dict[str, PipelineRun] = field(default_factory=dict)
    read_until: float | None = None  # the `now` of the last successful runs list
    window_start: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class KubeflowReader:
    def __init__(self, clients: Mapping[str, object], *, problems: Mapping[str, str] | None = None,
                 recurring_ttl: float = RECURRING_TTL) -> None:
        """`clients`: deployment id -> a KfpClient or VertexClient; `problems`: deployment id
        -> why it has no client (missing token variable, bad config)."""
        # one state (cache, runs, lock) per client: deployments that share an endpoint and
        # namespace (all of them, under KF_PIPELINES_ENDPOINT) share one list of each
        by_client: dict[int, _State] = {}
        self._states = {d: by_client.setdefault(id(c), _State(c)) for d, c in clients.items()}
        self.problems = dict(problems or {})
        self.recurring_ttl = recurring_ttl

    def target(self, deployment: str) -> str:
        state = self._states.get(deployment)
        return getattr(state.client, "target", deployment) if state else deployment

    def read(self, deployment: str, specs: list[SignalSpec], now: float) -> tuple[DeploymentRuns, int]:
        """Raises KubeflowError (one line, `.calls` set) when the deployment cannot be read."""
        state = self._states.get(deployment)
        if state is None:
            raise KubeflowError(self.problems.get(deployment) or f"no Kubeflow deployment {deployment!r} in the catalog")
        with state.lock:
            client = state.client
            before = client.calls
            try:
                self._read(state, specs, now)
            except KubeflowError as exc:
                exc.calls = client.calls - before
                raise
            return self._view(state, specs), client.calls - before

    def statuses(self, deployment: str, specs: list[SignalSpec], now: float, *, past: bool = False):
        """(statuses, calls, problem, unreachable) for the health service: never raises for a
        remote failure; `problem` is one line ("" when the read worked). `past`: `now` is a
        past moment (`atlas triage --at`): the API answers with today's runs, so they are
        cut back to what was known then (a run that failed later was still running)."""
        from atlas.kubeflow.evaluate import evaluate

        try:
            data, calls = self.read(deployment, specs, now)
        except KubeflowError as exc:
            return [], getattr(exc, "calls", 0), str(exc), exc.unreachable
        if past:
            data = as_of(data, now)
        return [evaluate(s, data, now) for s in specs], calls, "", False

    def _read(self, state: _State, specs: list[SignalSpec], now: float) -> None:
        client = state.client
        if state.recurring_at is None or now - state.recurring_at > self.recurring_ttl:
            state.recurring = {rr.display_name: rr for rr in client.list_recurring_runs()}
            state.recurring_at = now
        window = _window(specs, state.recurring.values())
        state.window_start = now - window
        if state.read_until is None:
            since = state.window_start
        else:
            unfinished = [r.created for r in state.runs.values() if r.finished is None]
            since = min([state.read_until - OVERLAP, *unfinished])
        for run in client.list_runs(max(since, state.window_start)):
            old = state.runs.get(run.run_id)
            if old is not None and old.detailed and old.state == run.state and old.finished is not None:
                continue  # a finished run's detail does not change
            state.runs[run.run_id] = run
        state.runs = {k: r for k, r in state.runs.items() if r.created >= state.window_start}
        state.read_until = now
        wanted = {dict(s.resource_labels).get("recurring_run", "") for s in specs}
        ids = {state.recurring[n].recurring_run_id for n in wanted if n in state.recurring}
        for newest in _newest_by_recurring(state.runs.values()).values():
            if newest.recurring_run_id in ids and newest.state == "FAILED" and not newest.detailed:
                state.runs[newest.run_id] = client.get_run(newest.run_id)
        if not getattr(client, "lists_tasks", True):
            self._detail_for_tasks(state, specs)

    def _detail_for_tasks(self, state: _State, specs: list[SignalSpec]) -> None:
        """Vertex lists jobs without their tasks: read the details a step or a model signal
        needs, the newest job (its steps; back through the jobs in a row where the step
        failed) and the newest jobs back to the last successful push.
        A finished job's details are kept, so later refreshes pay only for new jobs."""
        grouped = self._view(state, specs).runs
        for s in specs:
            if s.type not in ("pipeline_task", "pipeline_push"):
                continue
            lab = dict(s.resource_labels)
            rr = state.recurring.get(lab.get("recurring_run", ""))
            for i, run in enumerate(grouped.get(rr.recurring_run_id, []) if rr else []):
                if s.type == "pipeline_push" and run.finished is None:
                    continue  # its push step, the last, is still ahead: no call per refresh for it
                if s.type == "pipeline_task" and i and run.state != "FAILED":
                    break  # a job that did not fail has no failed step: no call to see its steps
                current = state.runs[run.run_id]
                if not current.detailed:
                    current = state.runs[run.run_id] = state.client.get_run(run.run_id)
                if s.type == "pipeline_task":
                    step = current.task(lab.get("task", ""))
                    if step is None or step.state != "FAILED":
                        break
                    continue  # failed: the jobs before it date when it began failing (evaluate._task_runs)
                pushed = current.task(lab.get("push_task", "pusher"))
                if pushed is not None and pushed.state == "SUCCEEDED" and pushed.end:
                    break

    def _view(self, state: _State, specs: list[SignalSpec]) -> DeploymentRuns:
        grouped: dict[str, list[PipelineRun]] = {}
        for run in state.runs.values():
            grouped.setdefault(run.recurring_run_id, []).append(run)
        for runs in grouped.values():
            runs.sort(key=lambda r: r.created, reverse=True)
        return DeploymentRuns(recurring=dict(state.recurring), runs=grouped, window_start=state.window_start)

    def runs_of(self, deployment: str, recurring_run: str, now: float, limit: int = 10) -> tuple[RecurringRun | None, list[PipelineRun]]:
        """The newest runs of one recurring run, for `atlas runs` and the component screen."""
        spec = SignalSpec(component="", id="runs", name="runs", type="pipeline_run", project="",
                          resource_labels=(("kubeflow", deployment), ("recurring_run", recurring_run)))
        data, _ = self.read(deployment, [spec], now)
        rr = data.recurring.get(recurring_run)
        runs = data.runs.get(rr.recurring_run_id, [])[:limit] if rr else []
        state = self._states[deployment]
        if not getattr(state.client, "lists_tasks", True) and any(not r.detailed for r in runs):
            with state.lock:  # Vertex: the task states of the runs shown come from GetPipelineJob
                for i, r in enumerate(runs):
                    if not r.detailed:
                        runs[i] = state.runs[r.run_id] = state.client.get_run(r.run_id)
        return rr, runs

    def close(self) -> None:
        for state in {id(s): s for s in self._states.values()}.values():
            close = getattr(state.client, "close", None)
            if close:
                close()


def _newest_by_recurring(runs) -> dict[str, PipelineRun]:
    out: dict[str, PipelineRun] = {}
    for r in runs:
        if r.recurring_run_id and (r.recurring_run_id not in out or r.created > out[r.recurring_run_id].created):
            out[r.recurring_run_id] = r
    return out


def _window(specs: list[SignalSpec], recurring) -> float:
    """Long enough for the oldest thing any signal needs: a model's crit age, two periods of
    the slowest schedule (a weekly run's previous run), a week of runs."""
    need = float(MIN_WINDOW)
    for s in specs:
        if s.type == "pipeline_push":
            need = max(need, 1.2 * max(s.crit or 0, s.warn or 0))
    for rr in recurring:
        period = rr.interval or 0.0
        if rr.cron:
            try:
                cron = Cron(rr.cron, rr.dialect)
                fire = cron.next_after(rr.created)  # the period from its first fire
                period = cron.period_after(fire) if fire else 0.0
            except CronError:
                period = 0.0
        need = max(need, 2.5 * period)
    return min(need, MAX_WINDOW)


# -- construction ---------------------------------------------------------------------------

def make_reader(catalog, env: Mapping[str, str], *, timeout: float = 10.0, connect_timeout: float = 3.0,
                session_factory: Callable[[], object] | None = None) -> KubeflowReader:
    """One client per catalog deployment. Never raises: a deployment that cannot be set up
    (a missing token variable) is recorded in `reader.problems` and its signals read ERROR."""
    from atlas.kubeflow import vertex
    from atlas.kubeflow.auth import make_auth

    clients: dict[str, object] = {}
    shared: dict[tuple, object] = {}  # (kind, host, namespace, project, region, auth) -> client
    problems: dict[str, str] = {}
    for dep in getattr(catalog, "kubeflow", {}).values():
        # KF_PIPELINES_ENDPOINT moves self-hosted KFP hosts, ATLAS_VERTEX_ENDPOINT Vertex's
        variable = vertex.ENDPOINT_ENV if dep.kind == "vertex" else ENDPOINT_ENV
        override = (env.get(variable) or "").strip()
        try:
            if getattr(catalog, "demo", False) and not override:
                # the sample's hosts are made up: never send a request (or a token) to them
                raise KubeflowError(f"kubeflow {dep.id}: demo catalog without {variable} "
                                    "(the embedded Kubeflow emulator is not running)")
            host = override or dep.host
            # like the Google emulator variables: an override endpoint gets no Google token
            auth_kind = "none" if override and dep.auth in ("iap", "adc") else dep.auth
            if dep.kind == "vertex":
                key, client = vertex.make_vertex_client(dep, env, timeout=timeout, connect_timeout=connect_timeout)
                if key in shared:
                    client.close()  # deployments on one project and region share one client
                clients[dep.id] = shared.setdefault(key, client)
            else:
                if not host:
                    raise KubeflowError(f"kubeflow {dep.id}: no host (set host, or {ENDPOINT_ENV})")
                auth = make_auth(auth_kind, env=env, audience=dep.audience, token_env=dep.token_env, deployment=dep.id)
                key = ("kfp", host, dep.namespace, "", "", auth_kind, dep.token_env, dep.audience if auth_kind == "iap" else "")
                if key not in shared:
                    session = session_factory() if session_factory else None
                    shared[key] = KfpClient(host, dep.namespace, auth=auth, timeout=timeout,
                                            connect_timeout=connect_timeout, session=session)
                clients[dep.id] = shared[key]
        except KubeflowError as exc:
            problems[dep.id] = str(exc)
    return KubeflowReader(clients, problems=problems)
