"""Replayed incidents on a synthetic catalog: a fault at one component, spread down the
graph with delays, buried in the noise a real estate of thousands of components has.

Each incident is what a health refresh would return at `now` (a ComponentHealth per
component, with `since`), plus the merged changes an on-call would see and the number of
failing signals per component, and the ground truth: the component the fault was put in.
The model, per kind family (numbers are assumptions, stated here so they can be argued):

- propagation: each dependent of a failing component fails too with probability 0.85
  (streaming, serving) or 0.7 (batch, data, models: some read a cached copy or run
  rarely); after a delay: streaming/serving a log-normal around 2 min, data around 10 min,
  batch jobs and recurring runs at their next run (hourly or daily), models at their next
  training (within a day);
- detection: a status turns failing some time after the component really broke: 1-5 min
  for threshold signals, up to the 30 min "no rows" window for datasets, up to a day for a
  model whose freshness bound must first run out; a BigQuery storage metric is invisible for
  up to 6 h (Google documents 21,720 s), so a dataset may still look OK;
- a component whose failure is not yet detected at `now` looks OK (the chain breaks);
- noise: unrelated failures anywhere (WARN mostly, some CRIT or STALE, begun up to 3 days
  ago), a third of them spilling one hop down; flapping components (currently WARN since a
  few minutes, or OK); 10 % of the incident's own symptoms flapping too; missing data (5 %
  of the incident's components except its root, 1 % of all) and failed queries (0.5 %);
- changes: the faulty component had a PR merged 0-6 h before the fault in 70 % of
  incidents (Google's SRE book, ch. 1: "roughly 70% of outages are due to changes in a
  live system"; its workbook's postmortem analysis counts binary pushes 37 % and
  configuration pushes 31 % of outage triggers); one PR that is not the cause is merged within
  30 min of the fault in a failing or nearby component; ~20 everyday merges elsewhere in
  the last day.

- series (what each failing signal's `points` look like over its 1 h look-back, 60 s
  points, judged by triage through `atlas.health.series`): a fault is a clean step in
  90 % of incidents and flaps (an intermittent fault: crash loop, one bad replica) in
  10 %; a quarter of the unrelated WARNs hover at their threshold and flap (a warn line
  set too tight), as do the flapping components and the flapping symptoms above; every
  other failure is a step. A flapping signal's `since` is its latest flip (what
  `evaluate.onset` reads), its runs and gaps 2-10 min. When it flapped through the whole
  window, it also carries the day of the same series the health refresh then reads
  (`SignalStatus.history`, `atlas.health.dating`). Ages, log counts and STALE series
  carry no readable points (freshness signals: the model family, by the catalog's own
  signal types).
- an OK component shows no signals: a broken one whose failure is not yet detected looks
  exactly like a healthy one. Triage tells them apart only by what the catalog says of
  its signals' detection lag (`atlas.health.detection`), never by the generator's truth.
- only components with declared signals can show a status: the others read NO_DATA ("no
  health signals declared"), as `rollup.component_health` has it, and the fault is only
  put in one with signals (before, 17 % of the synthetic catalog, buckets and pipeline
  steps without signals, could fail and even be the root: atlas can never see that).

- error logs (for errors at onset, `atlas.health.errorburst`; `errorlogs.py`), drawn from
  a stream of their own (seed x 7919 + 1, one sub-stream per incident), so the incidents
  above are draw for draw what they are without it. Only a component whose kind has a
  [[log_filter]] in the catalog has logs of its own (the code runners; topics,
  subscriptions, datasets, buckets, Redis, feature stores, models and GKE clusters have
  none: their check is unknown, as in the product). Usual errors: a Poisson process per
  component, its rate drawn once per catalog, log-uniform per hour: fast family
  [0.5, 60], batch [0.05, 5], the others [0.01, 1]. Unrelated spikes (restarts, a bad
  client, a retry storm that heals): Poisson(0.05 x the number of components) per
  incident, each at a random component, at a time uniform over the last 72 h, 10-100
  entries over 5 min. A failure logs, from when its component broke (the root: the fault;
  a component the fault reached: when it broke; an unrelated failure: its onset less a
  detection delay drawn as above), with probability 0.6 for the root and for an unrelated
  CRIT or STALE (a real fault elsewhere), 0.3 for an unrelated WARN (0 for those that
  hover at their threshold and for the flapping components), and 0.4 (fast family) or
  0.2 (the others) for a symptom of the fault or a component the noise spilled onto. How
  much: a fast component logs at a rate log-uniform in [60, 3000] an hour from then to
  `now`; any other 3-20 entries spread over the 10 min after it broke. A read of [a, b)
  sees the background drawn for that window (the same for the same incident, component
  and window) plus the spike and failure entries in it, at once (Cloud Logging shows an
  entry within seconds).

The fault is always put where its signals report: an incident whose root cannot be seen
is not one triage could find, whoever ranks.

What this model makes impossible (measured on seed 7, 1,000 incidents; see the issue-12
note): in 41 of the 88 incidents triage misses, an unrelated failure has at least the
fault's evidence on every count triage weighs (severity, symptoms, a change before its
onset, freshness): a second incident, which no weighting of that evidence tells from the
first. A fault flapping through a whole day cannot be dated either.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from atlas.health.model import ComponentHealth, SignalStatus, Status

from . import errorlogs

MIN, H = 60.0, 3600.0
PERIOD, POINTS = 60.0, 60  # a signal's series: 1 h of 60 s points (2 x the default stale horizon)
WARN_AT, CRIT_AT = 1.0, 2.0  # every synthetic signal's thresholds (above)

FAST = {"pubsub_topic", "pubsub_subscription", "grpc_service", "envoy_gateway", "redis_instance",
        "gke_cluster", "feature_online_store", "composer_environment"}
DATA = {"bigquery_dataset", "gcs_bucket"}
BATCH = {"composer_dag", "bigquery_scheduled_query", "dataproc_job", "kubeflow_pipeline",
         "kubeflow_recurring_run", "pipeline_component", "k8s_cronjob", "feature_view"}


def family(kind: str, mode: str) -> str:
    if kind == "dataflow_job":
        return "fast" if mode == "streaming" else "batch"
    if kind == "model":
        return "model"
    if kind in DATA:
        return "data"
    if kind in BATCH:
        return "batch"
    return "fast"


@dataclass
class Incident:
    root: str
    now: float
    components: dict[str, ComponentHealth]
    changes: dict[str, list[float]] = field(default_factory=dict)  # component -> merge times
    failing_signals: dict[str, int] = field(default_factory=dict)
    cascade: int = 0  # failing components the fault caused (root included)
    errors: errorlogs.ErrorLogs | None = None  # the error entries of each log filter; None: not modelled


class IncidentGenerator:
    def __init__(self, catalog, graph, seed: int = 1, root_change: float = 0.7,
                 noise_mix: tuple[float, float, float] = (15, 75, 10), root_flap: float = 0.1,
                 hover: float = 0.25, fault_logs: float = 0.6, error_logs: bool = True):
        self.rng = random.Random(seed)
        self.logs_rng = random.Random(seed * 7919 + 1)  # error logs: their own stream (the docstring)
        self.fault_logs = fault_logs  # share of real faults (the root, unrelated CRIT/STALE) that log errors
        self.error_logs = error_logs  # False: no log is modelled, every errors-at-onset read is unknown
        self.root_change = root_change  # share of faults that follow a change to the faulty component
        self.noise_mix = noise_mix  # CRIT, WARN, STALE weights of the unrelated failures
        self.root_flap = root_flap  # share of faults that flap (intermittent) rather than step
        self.hover = hover  # share of the unrelated WARNs that hover at their threshold
        self.graph = graph
        self.ids = sorted(catalog.components)
        comps = catalog.components
        self.family = {cid: family(comps[cid].kind, comps[cid].mode) for cid in self.ids}
        self.kind = {cid: comps[cid].kind for cid in self.ids}
        self.sig_types = {cid: [t.type for t in catalog.signals_for(comps[cid])] for cid in self.ids}
        self.n_signals = {cid: len(self.sig_types[cid]) for cid in self.ids}
        self.seen = [cid for cid in self.ids if self.n_signals[cid]]  # components atlas can see
        self.dependents = {cid: graph.dependents(cid) for cid in self.ids}
        self.logged = [cid for cid in self.ids if catalog.log_filter_for(comps[cid])]  # logs of its own
        self.usual = errorlogs.usual_rates(self.logs_rng, self.logged, self.family)
        self._ok = {cid: ComponentHealth(cid, Status.OK, "all signals OK") if self.n_signals[cid]
                    else ComponentHealth(cid, Status.NO_DATA, "no health signals declared") for cid in self.ids}

    # -- the physics ---------------------------------------------------------------------

    def _delay(self, cid: str) -> float:
        r, fam = self.rng, self.family[cid]
        if fam == "fast":
            return min(H, max(20.0, r.lognormvariate(math.log(2 * MIN), 1.0)))
        if fam == "data":
            return min(3 * H, max(60.0, r.lognormvariate(math.log(10 * MIN), 1.0)))
        if fam == "batch":  # the next scheduled run: hourly or daily
            return r.uniform(0, H) if r.random() < 0.5 else r.uniform(0, 24 * H)
        return r.uniform(0, 24 * H)  # a model: the next training run

    def _detection(self, cid: str, r: random.Random | None = None) -> float:
        r, fam = r or self.rng, self.family[cid]
        if fam == "data":
            lag = r.uniform(0, 30 * MIN)
            if self.kind[cid] == "bigquery_dataset":
                lag += 21720.0 * r.random() ** 3  # storage metrics: visible up to 6 h late
            return lag
        if fam == "model":
            return r.uniform(0, 24 * H)  # the freshness bound has to run out first
        if fam == "batch":
            return r.uniform(MIN, 10 * MIN)
        return r.uniform(MIN, 5 * MIN)

    def _status(self, weights: tuple[float, float, float]) -> Status:
        return self.rng.choices((Status.CRIT, Status.WARN, Status.STALE), weights)[0]

    # -- one incident ----------------------------------------------------------------------

    def incident(self) -> Incident:
        r = self.rng
        now = 1_800_000_000.0 + r.uniform(0, 86400)
        while True:
            root = r.choice(self.seen)
            t0 = now - r.uniform(15 * MIN, 12 * H)
            seen_at = t0 + self._detection(root)
            if seen_at < now:  # its own signals report the fault
                break
        comps = dict(self._ok)
        failing: dict[str, tuple[Status, float]] = {root: (self._status((70, 20, 10)), seen_at)}
        flaps: dict[str, float] = {}  # flapping component -> start of its on-and-off episode
        if r.random() < self.root_flap:  # an intermittent fault: crash loops, one bad replica
            flaps[root] = seen_at
        broke = {root: t0}
        frontier = [root]
        while frontier:  # spread: each dependent breaks once, at its earliest cause
            nxt = []
            for u in frontier:
                for v in self.dependents[u]:
                    if v in broke:
                        continue
                    p = 0.85 if self.family[v] == "fast" else 0.7
                    if r.random() >= p:
                        continue
                    t = broke[u] + self._delay(v)
                    if t >= now:
                        continue
                    broke[v] = t
                    nxt.append(v)
                    seen = t + self._detection(v)
                    if seen < now and self.n_signals[v]:
                        failing[v] = (self._status((30, 45, 25)), seen)
            frontier = nxt
        cascade = set(failing)

        # noise: unrelated failures (a third spill one hop down), then flapping
        unrelated: list[tuple[str, float, float]] = []  # (component, onset, probability it logs errors)
        for _ in range(errorlogs.by_multiplication(r, 8)):
            cid = r.choice(self.seen)
            if cid in failing:
                continue
            since = now - r.uniform(0, 72 * H)
            failing[cid] = (self._status(self.noise_mix), since)
            if failing[cid][0] is Status.WARN and r.random() < self.hover:
                flaps[cid] = since  # a value at its threshold: on and off since it got there
            real = failing[cid][0] is not Status.WARN  # a CRIT or STALE: a real fault elsewhere
            unrelated.append((cid, since, self.fault_logs if real else 0.0 if cid in flaps else errorlogs.WARN_LOGS))
            if r.random() < 1 / 3:
                for v in self.dependents[cid][:3]:
                    if v not in failing and self.n_signals[v] and r.random() < 0.5:
                        failing[v] = (Status.WARN, min(now - 30, since + self._delay(v)))
                        unrelated.append((v, failing[v][1], self._symptom_logs(v)))
        for _ in range(errorlogs.by_multiplication(r, 3)):
            cid = r.choice(self.seen)
            if cid not in failing and r.random() < 0.5:  # flapping, failing right now
                failing[cid] = (Status.WARN, now - r.uniform(1 * H, 72 * H))
                flaps[cid] = failing[cid][1]
        for cid in sorted(cascade - {root}):
            if r.random() < 0.10:  # a symptom that flaps: OK right now, or failing again since a flip
                if r.random() < 0.5:
                    del failing[cid]
                else:
                    flaps[cid] = failing[cid][1]

        for cid, (status, since) in failing.items():
            comps[cid] = self._health(cid, status, since, flaps.get(cid), now, cid == root, cid in cascade)
        blind = [cid for cid in sorted(cascade) if cid != root and r.random() < 0.05]
        blind += [r.choice(self.ids) for _ in range(len(self.ids) // 100)]
        for cid in blind:
            if cid != root:
                comps[cid] = ComponentHealth(cid, Status.NO_DATA, "no data")
        for _ in range(len(self.ids) // 200):
            cid = r.choice(self.ids)
            if cid != root:
                comps[cid] = ComponentHealth(cid, Status.ERROR, "query failed")

        # changes: maybe the cause's, one decoy near the onset, everyday merges
        changes: dict[str, list[float]] = {}
        if r.random() < self.root_change:
            changes.setdefault(root, []).append(t0 - r.uniform(2 * MIN, 6 * H))
        near = [c for c in failing if c != root] + self.dependents[root] + self.graph.dependencies(root)
        decoy = r.choice(near) if near and r.random() < 0.8 else r.choice(self.ids)
        if decoy != root:
            changes.setdefault(decoy, []).append(min(now - 60, t0 + r.uniform(-30 * MIN, 30 * MIN)))
        for _ in range(errorlogs.by_multiplication(r, 20)):
            changes.setdefault(r.choice(self.ids), []).append(now - r.uniform(0, 24 * H))

        signals = {cid: sum(s.status.failing for s in h.signals) for cid, h in comps.items() if h.status.failing}
        errors = self._error_logs(now, root, broke, unrelated) if self.error_logs else None
        return Incident(root, now, comps, changes, signals, len(cascade), errors)

    # -- the error entries each component's own logs hold (synth/errorlogs.py) ---------------

    def _symptom_logs(self, cid: str) -> float:
        return errorlogs.SYMPTOM_FAST if self.family[cid] == "fast" else errorlogs.SYMPTOM_OTHER

    def _error_logs(self, now: float, root: str, broke: dict[str, float],
                    unrelated: list[tuple[str, float, float]]) -> errorlogs.ErrorLogs:
        """Drawn from the log stream only, after the incident (which it leaves as it was):
        the root from its fault, each component the fault broke from when it broke, each
        unrelated failure from its onset less a detection delay."""
        r = random.Random(self.logs_rng.getrandbits(64))
        failures = [(root, broke[root], self.fault_logs)]
        failures += [(cid, broke[cid], self._symptom_logs(cid)) for cid in sorted(broke) if cid != root]
        failures += [(cid, since - self._detection(cid, r), p) for cid, since, p in unrelated if p > 0]
        return errorlogs.draw(r, now, self.ids, self.usual, self.family, failures)

    # -- what the health refresh returns for a failing component -----------------------------

    def _health(self, cid: str, status: Status, since: float, flap_from: float | None, now: float,
                is_root: bool, in_cascade: bool) -> ComponentHealth:
        """Its failing signals (how many: a fault trips more of a component's signals than
        background noise does), each with the series the evaluator would have judged."""
        r = self.rng
        types = self.sig_types[cid]
        share = 0.5 if is_root else 0.3 if in_cascade else 0.2
        k = 1 + sum(r.random() < share for _ in range(len(types) - 1))
        pts: list[tuple[float, float]] = []
        readable = status is not Status.STALE and types[0] in ("metric", "ratio")
        history: list[tuple[float, float]] = []
        if readable:
            pts, since, history = self._series(status, since, flap_from, now)
        out = []
        for name in types[:k]:
            if readable:
                at, value = pts[-1]
                out.append(SignalStatus(cid, name, status, f"{name} {status.value}", value, "", at, pts,
                                        WARN_AT, CRIT_AT, "above", since, history))
            else:  # an age, a log count or a stale series: nothing the shape can be read from
                out.append(SignalStatus(cid, name, status, f"{name} {status.value}", since=since))
        return ComponentHealth(cid, status, f"{cid} {status.value}", out, since=since)

    def _series(self, status: Status, since: float, flap_from: float | None,
                now: float) -> tuple[list[tuple[float, float]], float, list[tuple[float, float]]]:
        """The look-back window (1 h at 60 s: a 15 min window's default) of a failing signal,
        the `since` the evaluator reads from it (the start of the trailing failing run), and
        the day of `history` the health refresh reads when the window cannot date a flapping
        episode (`atlas.health.dating`: same period, ONSET_HORIZON back; empty otherwise).
        A step: fine, then over the threshold from its onset on. Flapping: over and back in
        runs of 2-10 min since `flap_from`, the current run begun 1-15 min ago."""
        from atlas.health.dating import ONSET_HORIZON
        from atlas.health.series import undated

        r = self.rng
        bad = (lambda: r.uniform(1.1, 1.9) * WARN_AT) if status is Status.WARN else (lambda: r.uniform(1.1, 2.0) * CRIT_AT)
        fine = lambda: r.uniform(0.3, 0.9) * WARN_AT  # noqa: E731
        if flap_from is None:
            times = [now - (POINTS - 1 - i) * PERIOD for i in range(POINTS)]
            values = [bad() if t > since else fine() for t in times]
        else:  # the whole day: the window is its tail, the history all of it
            n = int(ONSET_HORIZON // PERIOD)
            times = [now - (n - 1 - i) * PERIOD for i in range(n)]
            bounds, t = [], now - r.uniform(1 * MIN, 15 * MIN)  # run boundaries, newest first
            bounds.append(t)
            while t > max(flap_from, times[0]):
                t -= r.uniform(2 * MIN, 10 * MIN)
                bounds.append(t)
            # a point is over the threshold when it falls in a failing run (even runs back from now)
            values, runs_back = [], len(bounds)
            for ts in times:
                while runs_back and ts > bounds[runs_back - 1]:
                    runs_back -= 1
                values.append(bad() if ts > flap_from and runs_back % 2 == 0 else fine())
        day = list(zip(times, values))
        pts = day[-POINTS:]
        start = None
        for ts, v in reversed(pts):  # atlas.health.evaluate.onset
            if v <= WARN_AT:
                break
            start = ts - PERIOD
        if start is not None and start > pts[0][0] - PERIOD:  # the run starts inside the window
            since = start
        history: list[tuple[float, float]] = []
        if flap_from is not None:
            probe = SignalStatus("", "", status, "", pts[-1][1], "", pts[-1][0], pts, WARN_AT, CRIT_AT, "above", since)
            if undated(probe):
                history = day
        return pts, since, history

