"""`atlas experiment conclude | check-pr | watch`: the experiment once its PRs exist: the
PR opened by hand checked against its siblings, running experiments' data watched, and the
last watch kept in the manifest when the test ends. Registered on the `experiment` group
of `atlas.commands.experiment`."""

from __future__ import annotations

import sys

import click

from atlas.commands.common import EXIT_FINDINGS, catalog_option, demo_env, emit_json, json_option, services
from atlas.commands.experiment import _forge, _guard, _ws, experiment

WATCH_DEMO = "reading the experiments' metrics from the embedded Cloud Monitoring emulator"


@experiment.command("conclude")
@catalog_option
@click.argument("experiment_id")
@_guard
def conclude_cmd(catalog_dir: str | None, experiment_id: str) -> None:
    """Mark a merged experiment concluded (the test ended; its entries may stay as history)."""
    from atlas.experiments.lifecycle import conclude

    ws = _ws(catalog_dir)
    manifest = ws.load_manifest(experiment_id)
    if manifest.state == "merged" and ws.template_for(manifest).watch:
        _last_watch(ws, experiment_id)
    click.echo(conclude(manifest))


def _last_watch(ws, experiment_id: str) -> None:
    """Watch once more and keep the result in the manifest's [watch]: the record of whether
    the experiment's data can be trusted, after it stops running. A watch that cannot run is
    recorded as such (ERROR), never skipped silently; it does not block concluding."""
    from atlas.experiments.errors import ExperimentError
    from atlas.watch.record import record_watch

    svc = services()
    demo_env(svc, "gcp", what=WATCH_DEMO)
    try:
        report = svc.watch(experiment_id)
    except ExperimentError as exc:
        click.echo(f"last watch could not run: {exc}", err=True)
        return
    for result in report.experiments:
        record_watch(ws.manifest_path(result.experiment), result)
        click.echo(f"last watch: {result.status.value}: {result.reason} (kept in the manifest's [watch])")


@experiment.command("check-pr")
@catalog_option
@json_option
@click.option("--comment", is_flag=True, help="Keep one comment on the PR up to date with the result.")
@click.option("--status", "set_status_flag", is_flag=True,
              help="Set the commit status atlas/experiment (require it in branch protection).")
@click.argument("repo")
@click.argument("number", type=int)
@_guard
def check_pr_cmd(catalog_dir: str | None, as_json: bool, comment: bool, set_status_flag: bool, repo: str,
                 number: int) -> None:
    """Check a pull request made by anyone: are the sibling PRs there, do they agree? Exit 1
    until the set is complete and consistent. REPO: a catalog repo id or owner/name."""
    from atlas.experiments.checkpr import check_pr, publish

    ws = _ws(catalog_dir)
    if ws.template_errors:
        from atlas.experiments.errors import ManifestError

        raise ManifestError(ws.template_errors)
    github = ws.repos[repo].github if repo in ws.repos else repo
    forge = _forge(ws, writes=comment or set_status_flag)
    result = check_pr(github, number, ws.templates, ws.repos, forge)
    done = publish(result, forge, comment=comment, status=set_status_flag) if (comment or set_status_flag) else []
    if as_json:
        emit_json({"ok": result.ok, "keys": result.keys, "siblings": result.siblings, "missing": result.missing,
                   "problems": result.problems + [p for c in result.checks for p in c.blocking],
                   "checks": [{"name": c.name, "status": c.status, "problems": c.problems,
                               "not_checked": c.unchecked or None} for c in result.checks], "done": done})
    else:
        click.echo(result.render(), nl=False)
        for line in done:
            click.echo(f"atlas: {line}", err=True)
    if not result.ok:
        sys.exit(EXIT_FINDINGS)


@experiment.command("watch")
@catalog_option
@json_option
@click.option("--record", is_flag=True,
              help="Write each result into its manifest's [watch] table (the record a concluded experiment keeps).")
@click.argument("experiment_id", required=False)
@_guard
def watch_cmd(catalog_dir: str | None, as_json: bool, record: bool, experiment_id: str | None) -> None:
    """Check running experiments' data: sample ratio, guardrails per arm, served and fed.

    Exits 1 when any running experiment is WARN or CRIT, or could not be watched (for cron
    and CI); too little traffic yet is said, with exit 0."""
    from atlas.watch.record import record_watch
    from atlas.watch.text import render

    ws = _ws(catalog_dir)
    svc = services()
    demo_env(svc, "gcp", what=WATCH_DEMO)
    report = svc.watch(experiment_id)
    if record:
        for result in report.experiments:
            record_watch(ws.manifest_path(result.experiment), result)
    if as_json:
        emit_json(report.to_json())
    else:
        click.echo(render(report), nl=False)
    if report.exit_code:
        sys.exit(EXIT_FINDINGS)
