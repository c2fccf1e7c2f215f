"""`atlas runs ID`: the last runs of a Kubeflow recurring run (or of a pipeline's recurring
runs) with state, start, duration and per-task states, from the Kubeflow Pipelines API.

Exit 0, 1 when a newest run FAILED or the API could not be read, 2 for usage errors.
"""

from __future__ import annotations

import difflib

import click

from atlas.commands.common import (EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, catalog_option, demo_env, emit_json, fail,
                                   json_option, load_or_exit, services)


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
        targets(catalog, component_id)
    except RunsLookupError as exc:
        close = difflib.get_close_matches(component_id, list(catalog.components), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close and component_id not in catalog.components else ""
        fail(f"{exc}{hint}", EXIT_USAGE)
    svc = services()
    demo_env(svc, "kubeflow", what="using the embedded emulators")
    try:
        found = svc.kubeflow_runs(component_id, limit)
    except KubeflowError as exc:
        fail(str(exc))
    now = svc.now()
    code = EXIT_OK
    for _, _, rr, _, rows in found:
        finished = [r for r in rows if r.finished is not None]
        if rr is None or (finished and finished[0].state == "FAILED"):
            code = EXIT_FINDINGS
    if as_json:
        emit_json([runs_json(c, d, rr, n, rows) for c, d, rr, n, rows in found])
    else:
        click.echo("\n".join(runs_text(c, d, rr, n, rows, now) for c, d, rr, n, rows in found), nl=False)
    raise SystemExit(code)
