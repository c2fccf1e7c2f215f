"""One running experiment's numbers -> its checks. Pure: no I/O.

- exposure: traffic started after merge; none `exposure_grace` (2 h) after it is a WARN;
- srm: chi-square of requests per arm against the weights since the merge; CRIT at
  p < srm_p with the observed and expected shares and the sample size; under `min_samples`
  it says "too little traffic yet" (NO_DATA), never OK;
- served: each arm served its own model alias; a treatment answered by control's alias
  falls back to control (CRIT above `max_fallback_ratio`);
- fed: the feature column the experiment turns on is fresh (its age gauge under max_age);
- latency, errors: per-arm guardrails against the manifest's parameters, naming the arm.
A failed query makes its checks ERROR with the query's own one-line message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from atlas.watch.fetch import Point, QueryResult
from atlas.watch.model import Check, ExperimentWatch
from atlas.watch.plan import WatchTarget
from atlas.watch.srm import chi_square, format_count, format_p
from atlas.health.model import Status
from atlas.health.readable import duration, number


@dataclass(frozen=True, slots=True)
class ArmPlan:
    name: str
    weight: float
    control: bool
    alias: str  # the model alias this arm should serve ("" = not known)


Results = dict[str, "QueryResult | str"]  # role -> result, or the failed query's message


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _trailing_run(times: list[float], bad: list[bool]) -> float | None:
    """The first time of the newest uninterrupted run of bad buckets (None: newest is fine)."""
    since = None
    for t, b in zip(reversed(times), reversed(bad)):
        if not b:
            break
        since = t
    return since


class _Traffic:
    """The request counter's hourly buckets since the merge, indexed the ways checks read them."""

    def __init__(self, target: WatchTarget, result: QueryResult) -> None:
        s, r = target.spec, target.spec.requests
        names = [n for n in (s.experiment_label, s.arm_label, r.served_label, r.code_label) if n]
        arm_i = names.index(s.arm_label)
        served_i = names.index(r.served_label) if r.served_label else None
        code_i = names.index(r.code_label) if r.code_label else None
        self.period = r.period
        self.total: dict[str, float] = defaultdict(float)
        self.buckets: dict[float, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.served: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.served_buckets: dict[str, dict[float, dict[str, float]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(float)))
        self.bad: dict[str, dict[float, float]] = defaultdict(lambda: defaultdict(float))
        for key, pts in result.of(0, target.experiment).items():
            arm = key[arm_i]
            for t, v in pts:
                if target.merged_at is not None and t <= target.merged_at:
                    continue  # a bucket that ended before the merge holds none of this set's traffic
                self.total[arm] += v
                self.buckets[t][arm] += v
                if served_i is not None:
                    self.served[arm][key[served_i]] += v
                    self.served_buckets[arm][t][key[served_i]] += v
                if code_i is not None and key[code_i] not in r.ok_codes:
                    self.bad[arm][t] += v
        self.times = sorted(t for t, arms in self.buckets.items() if sum(arms.values()) > 0)

    @property
    def n(self) -> float:
        return sum(self.total.values())


def exposure(target: WatchTarget, traffic: _Traffic, now: float) -> Check:
    grace = target.spec.exposure_grace
    if traffic.n > 0:
        first = max(traffic.times[0] - traffic.period, target.merged_at or 0.0)
        after = ""
        if target.merged_at is not None:  # counts come in periods: within the first one is as close as it tells
            late = first - target.merged_at
            after = (f", within {duration(traffic.period)} of the merge" if late < traffic.period
                     else f", {duration(late)} after the merge")
        return Check("exposure", Status.OK, f"{format_count(traffic.n)} requests since the merge; first exposures "
                     f"{duration(now - first)} ago{after}", since=first, numbers={"requests": round(traffic.n)})
    if target.merged_at is None:
        return Check("exposure", Status.NO_DATA, "no exposures, and the manifest does not say when the set merged "
                     "(merged_at): cannot tell whether they are late")
    age = now - target.merged_at
    if age >= grace:
        return Check("exposure", Status.WARN, f"no exposures {duration(age)} after merge (expected within "
                     f"{duration(grace)}): is the serving config deployed, and is the experiment label exported?",
                     since=target.merged_at + grace, numbers={"requests": 0})
    return Check("exposure", Status.NO_DATA, f"no exposures yet: merged {duration(age)} ago "
                 f"(a WARN after {duration(grace)})", numbers={"requests": 0})


def srm(target: WatchTarget, arms: list[ArmPlan], traffic: _Traffic) -> Check:
    spec = target.spec
    weights = {a.name: a.weight for a in arms}
    n = traffic.n
    observed = {a: traffic.total.get(a, 0.0) for a in weights}
    stray = {a: v for a, v in traffic.total.items() if a not in weights and v > 0}
    if n < spec.min_samples:
        return Check("srm", Status.NO_DATA, f"too little traffic yet: {format_count(n)} requests, the SRM test "
                     f"needs {format_count(spec.min_samples)}", numbers={"requests": round(n)})
    result = chi_square(observed, weights)
    numbers: dict[str, Any] = {"requests": round(n), "p_value": result.p_value, "chi2": round(result.chi2, 3),
                               "observed": {a: round(observed[a]) for a in weights},
                               "observed_share": {a: round(result.share(a), 4) for a in weights},
                               "expected_share": {a: round(s, 4) for a, s in result.expected_share.items()}}
    if stray:
        numbers["undeclared_arms"] = stray
    if result.p_value >= spec.srm_p:
        shares = ", ".join(f"{a} {_pct(result.share(a))}" for a in weights)
        return Check("srm", Status.OK, f"arms match their weights: {shares} of {format_count(n)} "
                     f"({format_p(result.p_value)})", numbers=numbers)
    worst = result.worst_arm()
    # onset: the newest run of hours through which the running totals already failed the test
    running: dict[str, float] = defaultdict(float)
    failing = []
    for t in traffic.times:
        for a, v in traffic.buckets[t].items():
            running[a] += v
        enough = sum(running.get(a, 0.0) for a in weights) >= spec.min_samples
        failing.append(enough and chi_square(running, weights).p_value < spec.srm_p)
    since = _trailing_run(traffic.times, failing)
    since = since - traffic.period if since is not None else None
    reason = (f"{worst} {_pct(result.share(worst))} of {format_count(n)}, expected {_pct(result.expected_share[worst])}: "
              f"{format_p(result.p_value)}; assignment is broken, stop before the data is used")
    return Check("srm", Status.CRIT, reason, since=since, arm=worst, numbers=numbers)


def served(target: WatchTarget, arms: list[ArmPlan], traffic: _Traffic, control_alias: str) -> Check:
    r = target.spec.requests
    if traffic.n <= 0:
        return Check("served", Status.NO_DATA, "no requests yet to tell which model serves each arm")
    findings: list[tuple[str, str, float | None, float]] = []  # (arm, reason, since, bad share)
    fine = []
    for arm in arms:
        by_alias = traffic.served.get(arm.name, {})
        total = sum(by_alias.values())
        if total <= 0 or not arm.alias:
            continue
        own = by_alias.get(arm.alias, 0.0)
        wrong = {a: v for a, v in by_alias.items() if a != arm.alias and v > 0}
        bad_share = sum(wrong.values()) / total
        if bad_share <= r.max_fallback_ratio:
            fine.append(f"{arm.name} serves {arm.alias}")
            continue
        top = max(wrong, key=wrong.get)
        times = sorted(traffic.served_buckets[arm.name])
        shares = [sum(v for a, v in traffic.served_buckets[arm.name][t].items() if a != arm.alias)
                  / max(1.0, sum(traffic.served_buckets[arm.name][t].values())) for t in times]
        since = _trailing_run(times, [s > r.max_fallback_ratio for s in shares])
        since = since - traffic.period if since is not None else None
        if not arm.control and top == control_alias:
            what = (f"{arm.name} falls back to control: {_pct(wrong[top] / total)} of its {format_count(total)} requests "
                    f"served alias {top}, not {arm.alias}")
        else:
            what = (f"{arm.name} served alias {top} for {_pct(wrong[top] / total)} of its {format_count(total)} requests, "
                    f"not {arm.alias}")
        if own <= 0:
            what += f" (never {arm.alias})"
        findings.append((arm.name, what + ": its data measures the wrong model", since, bad_share))
    if findings:
        findings.sort(key=lambda f: -f[3])
        arm, reason, since, _ = findings[0]
        more = f"; also {', '.join(f[0] for f in findings[1:])}" if len(findings) > 1 else ""
        return Check("served", Status.CRIT, reason + more, since=since, arm=arm,
                     numbers={"served": {a: dict(v) for a, v in traffic.served.items()}})
    if not fine:
        return Check("served", Status.NO_DATA, f"no served-model label ({r.served_label}) on the requests")
    return Check("served", Status.OK, "; ".join(fine), numbers={"served": {a: dict(v) for a, v in traffic.served.items()}})


def errors(target: WatchTarget, arms: list[ArmPlan], traffic: _Traffic, limit: float) -> Check:
    if traffic.n <= 0 or not traffic.times:
        return Check("errors", Status.NO_DATA, "no requests yet to judge the error-ratio guardrail")
    newest = traffic.times[-1]
    ratios, breached = {}, []
    for arm in arms:
        total = traffic.buckets[newest].get(arm.name, 0.0)
        if total <= 0:
            continue
        ratios[arm.name] = traffic.bad[arm.name].get(newest, 0.0) / total
        if ratios[arm.name] > limit:
            flags = [traffic.buckets[t].get(arm.name, 0.0) > 0
                     and traffic.bad[arm.name].get(t, 0.0) / traffic.buckets[t][arm.name] > limit for t in traffic.times]
            since = _trailing_run(traffic.times, flags)
            breached.append((arm.name, since - traffic.period if since is not None else None))
    span = duration(traffic.period)
    listing = ", ".join(f"{a} {_pct(v)}" for a, v in ratios.items())
    numbers = {"error_ratio": {a: round(v, 5) for a, v in ratios.items()}, "max_grpc_error_ratio": limit}
    if breached:
        arm, since = max(breached, key=lambda b: ratios[b[0]])
        others = [a for a in ratios if a != arm]
        return Check("errors", Status.CRIT, f"error ratio in {arm} {_pct(ratios[arm])} > guardrail {_pct(limit)} over the "
                     f"last {span} ({', '.join(f'{a} {_pct(ratios[a])}' for a in others) or 'no other arm'}): "
                     f"stop {arm} or fix it", since=since, arm=arm, numbers=numbers)
    return Check("errors", Status.OK, f"error ratio {listing} (guardrail {_pct(limit)}, last {span})", numbers=numbers)


def latency(target: WatchTarget, arms: list[ArmPlan], result: QueryResult, limit_ms: float) -> Check:
    lt = target.spec.latency
    scale = 1000.0 if lt.unit == "s" else 1.0
    per_arm: dict[str, list[Point]] = {k[1]: v for k, v in result.of(0, target.experiment).items() if v}
    p99 = {a.name: per_arm[a.name][-1][1] * scale for a in arms if a.name in per_arm}
    if not p99:
        return Check("latency", Status.NO_DATA, f"no latency points for any arm in the last {duration(lt.window)}")
    numbers = {"p99_ms": {a: round(v, 1) for a, v in p99.items()}, "max_p99_latency_ms": limit_ms}
    missing = [a.name for a in arms if a.name not in p99]
    over = [a for a in p99 if p99[a] > limit_ms]
    if over:
        arm = max(over, key=p99.get)
        pts = per_arm[arm]
        since = _trailing_run([t for t, _ in pts], [v * scale > limit_ms for _, v in pts])
        others = ", ".join(f"{a} {number(p99[a])} ms" for a in p99 if a != arm) or "no other arm"
        return Check("latency", Status.CRIT, f"p99 latency in {arm} {number(p99[arm])} ms > guardrail "
                     f"{number(limit_ms)} ms ({others}): stop {arm} or fix it",
                     since=since - lt.period if since is not None else None, arm=arm, numbers=numbers)
    if missing:
        return Check("latency", Status.NO_DATA, f"no latency points for {', '.join(missing)} in the last "
                     f"{duration(lt.window)}", numbers=numbers)
    listing = ", ".join(f"{a} {number(v)} ms" for a, v in p99.items())
    return Check("latency", Status.OK, f"p99 {listing} (guardrail {number(limit_ms)} ms)", numbers=numbers)


def fed(target: WatchTarget, result: QueryResult, now: float) -> Check:
    ft = target.spec.feature
    pts = result.series.get((target.feature,), [])
    if not pts:
        return Check("fed", Status.WARN, f"no freshness reported for feature {target.feature} in the last "
                     f"{duration(ft.window)}: the pipeline may not produce it, or serving does not load it")
    at, age = pts[-1]
    numbers = {"feature": target.feature, "age_s": age, "max_age_s": ft.max_age}
    if age > ft.max_age:
        return Check("fed", Status.CRIT, f"feature {target.feature} is {duration(age)} old (max {duration(ft.max_age)}): "
                     f"the treatment ranks on stale values", since=at - age + ft.max_age, numbers=numbers)
    return Check("fed", Status.OK, f"feature {target.feature} is fresh: {duration(age)} old "
                 f"(max {duration(ft.max_age)})", numbers=numbers)


def watch_experiment(target: WatchTarget, arms: list[ArmPlan], params: dict[str, Any], results: Results,
                     now: float, *, control_alias: str = "", owner: str = "") -> ExperimentWatch:
    spec = target.spec
    out = ExperimentWatch(target.experiment, spec.template, owner=owner, component=spec.component,
                          merged_at=target.merged_at, taken_at=now)
    req = results.get("requests")
    if isinstance(req, str) or req is None:
        why = req or "not queried"
        out.checks += [Check(name, Status.ERROR, f"request counter not read: {why}")
                       for name in ("exposure", "srm", "served", "errors")]
    else:
        traffic = _Traffic(target, req)
        out.checks += [exposure(target, traffic, now), srm(target, arms, traffic)]
        if spec.requests.served_label:
            out.checks.append(served(target, arms, traffic, control_alias))
        limit = params.get(spec.requests.error_param) if spec.requests.error_param else None
        if spec.requests.code_label and isinstance(limit, (int, float)):
            out.checks.append(errors(target, arms, traffic, float(limit)))
    if spec.latency is not None and isinstance(params.get(spec.latency.param), (int, float)):
        res = results.get("latency")
        out.checks.append(latency(target, arms, res, float(params[spec.latency.param])) if isinstance(res, QueryResult)
                          else Check("latency", Status.ERROR, f"latency not read: {res or 'not queried'}"))
    if spec.feature is not None and target.feature:
        res = results.get("feature")
        out.checks.append(fed(target, res, now) if isinstance(res, QueryResult)
                          else Check("fed", Status.ERROR, f"feature freshness not read: {res or 'not queried'}"))
    return out
