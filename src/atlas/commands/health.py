"""`atlas health`, `atlas triage`, `atlas logs`: live health from the command line.

Exit codes: 0 when every component shown is OK, 1 when anything is WARN, CRIT, STALE or
ERROR (a failed query counts: you cannot tell it is fine), or NO_DATA while it declares
signals (nothing measured is not fine either; `--allow-no-data` lets that pass), 2 for
usage errors (unknown component, bad option). On the bundled sample catalog (`demo = true`) with
no emulator variables set, the embedded emulators start in-process first.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import time
from collections.abc import Iterator
import click

from atlas.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    announce_demo,
    catalog_option,
    demo_env,
    emit_json,
    fail,
    json_option,
    load_or_exit,
    services,
)

_FAILING = ("WARN", "CRIT", "STALE", "ERROR")


@contextlib.contextmanager
def _service(catalog) -> Iterator:
    """This command's HealthService (from the invocation's Services), its clients pointed at
    the embedded emulators for the demo catalog."""
    svc = services()
    demo_env(svc, "gcp", what="using the embedded emulators")
    service = svc.health()
    _require_clients(service)
    yield service


def _require_clients(service) -> None:
    """Without credentials no query can run: say so once, at once, instead of one ERROR
    line per component (only when neither client could be built)."""
    clients = service.clients
    if getattr(clients, "monitoring", None) is None and getattr(clients, "logging", None) is None:
        problem = getattr(clients, "monitoring_problem", "") or getattr(clients, "logging_problem", "")
        if problem:
            fail(problem)


def _print_errors(snapshot) -> None:
    """One line per failed query, except that an endpoint which did not answer at all is one
    line for all of its queries (with where to look), not thirty copies of the same reason."""
    unreachable = getattr(snapshot, "unreachable", {}) or {}
    for target, message in sorted(unreachable.items()):
        n = sum(message in line for line in snapshot.errors)
        if message.startswith("credentials were refused"):  # the line already names the fix
            click.echo(f"error: {message} ({n} quer{'y' if n == 1 else 'ies'} failed)", err=True)
            continue
        hint = ("is `atlas emulator` running? check MONITORING_EMULATOR_HOST / LOGGING_EMULATOR_HOST"
                if target.startswith("emulator ") else
                "check KF_PIPELINES_ENDPOINT (self-hosted) or ATLAS_VERTEX_ENDPOINT (Vertex), or the catalog's "
                "[[kubeflow]] host" if message.startswith("Kubeflow")
                else "check the network and https_proxy")
        click.echo(f"error: {message}: {n} quer{'y' if n == 1 else 'ies'} failed ({hint})", err=True)
    for line in snapshot.errors:
        if not any(message in line for message in unreachable.values()):
            click.echo(f"error: {line}", err=True)


def _exit_code(components, allow_no_data: bool = False) -> int:
    """A component that declares signals and has none measured cannot be called fine."""
    def finding(c) -> bool:
        return c.status.value in _FAILING or (c.status.value == "NO_DATA" and bool(c.signals) and not allow_no_data)

    return EXIT_FINDINGS if any(finding(c) for c in components) else EXIT_OK


def _unknown(catalog, component_id: str) -> None:
    close = difflib.get_close_matches(component_id, list(catalog.components), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    fail(f"unknown component {component_id!r}{hint}", EXIT_USAGE)


def _finite_watch(value: float | None) -> float | None:
    # FloatRange lets nan through (every comparison with nan is false)
    if value is not None and value != value:
        raise click.BadParameter("nan is not a number of seconds", param_hint="'--watch'")
    return value


@click.command()
@catalog_option
@click.option("--component", "component_id", metavar="ID", help="Only this component, with every signal.")
@json_option
@click.option("--watch", "watch", type=click.FloatRange(min=1, max=86400), metavar="SECONDS",
              callback=lambda ctx, param, value: _finite_watch(value),
              help="Refresh every SECONDS until Ctrl-C (the next poll starts after the last one ends; "
                   "with --json, one JSON array per line).")
@click.option("--allow-no-data", is_flag=True,
              help="Exit 0 even when a component that declares signals has no data.")
def health(catalog_dir: str | None, component_id: str | None, as_json: bool, watch: float | None,
           allow_no_data: bool) -> None:
    """Live status of every component, worst first.

    Exit 0 when all are OK, 1 when anything is WARN/CRIT/STALE/ERROR or a component with
    signals has NO_DATA (unless --allow-no-data), 2 on usage errors.
    """
    from atlas.health.report import health_table

    catalog = load_or_exit(catalog_dir)
    if component_id is not None and component_id not in catalog.components:
        _unknown(catalog, component_id)

    def shown(snapshot):
        comps = list(snapshot.components.values())
        return [c for c in comps if c.id == component_id] if component_id else comps

    def draw(snapshot, clear: bool) -> None:
        comps = shown(snapshot)
        if as_json:
            payload = [c.to_json() for c in sorted(comps, key=lambda c: (-c.status.severity, c.id))]
            click.echo(json.dumps(payload, separators=(",", ":")) if watch else json.dumps(payload, indent=2))
            return
        if clear:
            click.clear()
        stamp = time.strftime("%H:%M:%S UTC", time.gmtime(snapshot.taken_at))
        click.echo(health_table(comps, detail=component_id is not None, now=snapshot.taken_at), nl=False)
        if component_id is not None:
            _print_links(catalog, component_id)
        click.echo(f"\n{stamp}, {snapshot.calls} calls in {snapshot.duration:.2f} s", err=True)
        _print_errors(snapshot)

    code = EXIT_OK
    with _service(catalog) as service:
        try:
            while True:
                snapshot = service.refresh()
                code = _exit_code(shown(snapshot), allow_no_data)
                draw(snapshot, clear=watch is not None)
                if watch is None:
                    break
                time.sleep(watch)  # sleep after the poll finished: polls never overlap
        except KeyboardInterrupt:
            pass
    raise SystemExit(code)


def _print_links(catalog, component_id: str) -> None:
    """The console pages an on-call opens next: one per signal, and the component's logs."""
    from atlas.health.links import logs_explorer_url, metrics_explorer_url
    from atlas.health.specs import signals_of

    component = catalog.components[component_id]
    click.echo("")
    for spec in signals_of(catalog, component):
        if not spec.problem:
            click.echo(f"{spec.id}: {metrics_explorer_url(spec.project, spec)}")
    flt = catalog.log_filter_for(component)
    if flt:
        click.echo(f"logs: {logs_explorer_url(component.project, flt)}")


def _parse_at(text: str, now: float) -> float:
    """--at: ISO 8601 (UTC unless an offset is given: "2026-12-03T07:30Z", "2026-12-03 07:30")
    or an age before now ("90m", "3h", "2d"). A bad or future time is a usage error."""
    import re
    from datetime import datetime, timezone

    m = re.fullmatch(r"-?(\d+(?:\.\d+)?)\s*(s|m|min|h|d)(?:\s+ago)?", text.strip())
    if m:
        at = now - float(m.group(1)) * {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}[m.group(2)]
    else:
        try:
            parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            fail(f"--at {text!r}: not a time (use ISO 8601 such as 2026-12-03T07:30Z, or an age such as 3h)",
                 EXIT_USAGE)
        at = (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    if at > now + 1:
        fail(f"--at {text!r} is in the future", EXIT_USAGE)
    return at


def _with_evidence(items, now: float) -> list:
    """Each cause's evidence read (its changes: PRs through the forge, deploys from Cloud
    Logging; its errors at onset) and the causes ranked again (Services.with_evidence),
    saying once on stderr when the demo reads the PRs from its GitHub emulator."""
    svc = services()
    if svc.demo and any(i.role == "cause" for i in items):
        announce_demo(svc, "github", what="reading the sample repos from the embedded GitHub emulator")
    return svc.with_evidence(items, now)


def _experiment_causes(at: str | None) -> list:
    """Running experiments whose watch fails, as probable causes of their serving
    component's symptoms (the watch reads now: not with --at). A watch that cannot run is
    one line on stderr; triage goes on without it."""
    if at is not None:
        return []
    from atlas.experiments.errors import ExperimentError
    from atlas.watch.causes import experiment_causes

    try:
        return experiment_causes(services().watch())
    except ExperimentError as exc:
        click.echo(f"atlas: experiment watch skipped: {exc}", err=True)
        return []


@click.command()
@catalog_option
@json_option
@click.option("--at", "at", metavar="TIME",
              help="Statuses as they were at TIME (ISO 8601, UTC by default, or an age such as 3h): "
                   "what the on-call saw then.")
def triage(catalog_dir: str | None, as_json: bool, at: str | None) -> None:
    """Probable causes first, their symptoms under them, with owner, on-call and runbook;
    how long each has been failing, what changed before each cause, and the failures no
    checked chain explains.

    Exit 0 when nothing is failing, 1 otherwise.
    """
    from atlas.health.report import triage_text
    from atlas.health.triage import iso, triage as rank

    catalog = load_or_exit(catalog_dir)
    with _service(catalog) as service:
        when = _parse_at(at, service.now()) if at is not None else None
        snapshot = service.refresh(at=when)
    graph = services().graph
    items = rank(catalog, graph, snapshot, extra_causes=_experiment_causes(at))
    items = _with_evidence(items, snapshot.taken_at)  # a change, errors at onset: evidence
    if as_json:
        emit_json({"at": iso(snapshot.taken_at),
                   "causes": [i.to_json() for i in items if i.role == "cause"],
                   "unexplained": [i.to_json() for i in items if i.role == "unexplained"],
                   "errors": list(snapshot.errors)})
    else:
        if when is not None:
            click.echo(f"As at {iso(when)} (statuses evaluated for that moment)")
        unchecked = sum(c.status.value == "ERROR" for c in snapshot.components.values())
        click.echo(triage_text(items, unchecked, now=snapshot.taken_at), nl=False)
        _print_errors(snapshot)
    raise SystemExit(EXIT_FINDINGS if items or snapshot.errors else EXIT_OK)


@click.command()
@catalog_option
@click.argument("component_id", metavar="ID")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Newest N entries.")
@json_option
def logs(catalog_dir: str | None, component_id: str, limit: int, as_json: bool) -> None:
    """Recent ERROR-and-above log entries of a component, and its Logs Explorer link."""
    from atlas.health.links import logs_explorer_url
    from atlas.health.report import logs_text
    from atlas.health.service import HealthQueryError

    catalog = load_or_exit(catalog_dir)
    component = catalog.components.get(component_id)
    if component is None:
        _unknown(catalog, component_id)
    flt = catalog.log_filter_for(component)
    project = component.project
    with _service(catalog) as service:
        try:
            lines = service.recent_errors(component_id, limit=limit)
        except HealthQueryError as exc:
            fail(f"{component_id}: {exc}")
        now = service.now()
    url = logs_explorer_url(project, flt + " AND severity>=ERROR")
    if as_json:
        emit_json({"component": component_id, "project": project, "filter": flt, "logs_explorer": url,
                   "entries": [line.to_json() for line in lines]})
    else:
        click.echo(logs_text(component_id, lines, url, now), nl=False)
    raise SystemExit(EXIT_OK)
