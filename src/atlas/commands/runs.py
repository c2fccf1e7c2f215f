"""`atlas runs ID`: the last runs of a Kubeflow recurring run (or of a pipeline's recurring
runs) with state, start, duration and per-task states, from the Kubeflow Pipelines API.

Exit 0, 1 when a newest run FAILED or the API could not be read, 2 for usage errors.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import click

from atlas.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, catalog_option, emit_json, fail, json_option, load_or_exit


def make_runs_reader(catalog, env):
    """The Kubeflow reader for explicit `env` (the services seam)."""
    from atlas.kubeflow.reader import make_reader

    return make_reader(catalog, env)


@contextlib.contextmanager
def _reader(catalog) -> Iterator:
    # services: demo wiring like commands/health.py's _service, for the lead to re-wire
    from atlas.kubeflow.reader import ENDPOINT_ENV

    running = None
    env = dict(os.environ)
    if catalog.demo and not env.get(ENDPOINT_ENV):
        from atlas.emulators.runner import start_all
        from atlas.emulators.scenario import ScenarioError

        try:
            running = start_all(Path(catalog.workspace) / (catalog.demo_scenario or "scenarios/nw-recs.toml"))
        except (ScenarioError, OSError) as exc:
            fail(f"cannot start the embedded emulators: {exc}")
        click.echo("DEMO: using the embedded emulators", err=True)
        env.update(running.env())
    reader = make_runs_reader(catalog, env)
    try:
        yield reader
    finally:
        reader.close()
        if running is not None:
            running.stop()


@click.command()
@catalog_option
@click.argument("component_id", metavar="ID")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True, help="Runs per recurring run.")
@json_option
def runs(catalog_dir: str | None, component_id: str, limit: int, as_json: bool) -> None:
    """Last runs of a Kubeflow recurring run or pipeline: state, start, duration, tasks."""
    from atlas.kubeflow.kfp import KubeflowError
    from atlas.kubeflow.report import RunsLookupError, runs_json, runs_text, targets

    catalog = load_or_exit(catalog_dir)
    try:
        wanted = targets(catalog, component_id)
    except RunsLookupError as exc:
        import difflib

        close = difflib.get_close_matches(component_id, list(catalog.components), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close and component_id not in catalog.components else ""
        fail(f"{exc}{hint}", EXIT_USAGE)
    now = time.time()
    out, code = [], EXIT_OK
    with _reader(catalog) as reader:
        for comp, dep, name in wanted:
            try:
                rr, found = reader.runs_of(dep, name, now, limit)
            except KubeflowError as exc:
                fail(str(exc))
            finished = [r for r in found if r.finished is not None]
            if rr is None or (finished and finished[0].state == "FAILED"):
                code = EXIT_FINDINGS
            out.append((comp, dep, rr, name, found))
    if as_json:
        emit_json([runs_json(c, d, rr, n, f) for c, d, rr, n, f in out])
    else:
        click.echo("\n".join(runs_text(c, d, rr, n, f, now) for c, d, rr, n, f in out), nl=False)
    raise SystemExit(code)
