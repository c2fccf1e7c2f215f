"""`atlas experiment ...`: plan, apply, status, merge, abort, verify, list (new lives in
`atlas.commands.experiment_draft`; conclude, check-pr and watch in
`atlas.commands.experiment_watch`).

Thin: the work is in atlas.experiments. Every failure is one line on stderr (the token
scrubbed) and exit 1; usage errors exit 2."""

from __future__ import annotations

import sys

import click

from atlas.commands.common import EXIT_FINDINGS, catalog_option, demo_env, emit_json, fail, json_option, services


def _ws(catalog_dir: str | None):
    from atlas.experiments.errors import ExperimentError

    svc = services(catalog_dir)
    if not svc.source_dir.is_dir():
        raise ExperimentError(f"{svc.source_dir}: no such catalog directory")
    return svc.experiments()


def _guard(fn):
    """Turn the core's errors into one clear line each and exit 1 (never a traceback)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from atlas.experiments.errors import ExperimentError, ManifestError
        from atlas.experiments.token import scrub

        try:
            return fn(*args, **kwargs)
        except ManifestError as exc:
            for problem in exc.problems:
                click.echo(f"atlas: {scrub(problem)}", err=True)
            sys.exit(EXIT_FINDINGS)
        except ExperimentError as exc:
            fail(scrub(str(exc)))
        except OSError as exc:  # a manifest or journal that cannot be written
            fail(scrub(f"{exc.filename or ''}: {exc.strerror or exc}"))

    return wrapper


def _forge(ws, *, writes: bool = False):
    """The invocation's forge. On the demo catalog (no GITHUB_API_URL) reads go to the
    embedded GitHub emulator, which lives as long as this command: writes would vanish
    with it, so they refuse."""
    from atlas.experiments.errors import ExperimentError

    svc = services()
    if svc.demo and not svc.env.get("GITHUB_API_URL"):
        if writes:
            raise ExperimentError(
                "the demo catalog has no real GitHub: run `atlas emulator` in another terminal and "
                "export the lines it prints (the PRs then live as long as it runs), or use the TUI's "
                "experiments screen (x), which runs the emulator for you")
        demo_env(svc, "github", what="reading the sample repos from the embedded GitHub emulator")
    return svc.forge()


def _others(ws, experiment_id: str):
    """The catalog's other active experiments, for plan's second-experiment refusals."""
    return ws.active_others(experiment_id)


@click.group()
def experiment() -> None:
    """A/B experiments: one manifest in, coordinated pull requests in every repo out."""


# ---------------------------------------------------------------------------- plan


@experiment.command("plan")
@catalog_option
@json_option
@click.argument("manifest")
@_guard
def plan_cmd(catalog_dir: str | None, as_json: bool, manifest: str) -> None:
    """Show the diff per repo and run the cross-repo checks (writes nothing to the repos)."""
    from atlas.experiments.plan import make_plan, plan_to_json, render_plan

    ws = _ws(catalog_dir)
    m = ws.load_manifest(manifest)
    template = ws.template_for(m)
    plan = make_plan(m, template, ws.repos, _forge(ws), others=_others(ws, m.id))
    if as_json:
        emit_json(plan_to_json(plan))
    else:
        click.echo(render_plan(plan), nl=False)
        for warning in plan.warnings:
            click.echo(f"atlas: warning: {warning}", err=True)
    if not plan.ok:
        if not as_json:
            click.echo(f"atlas: {m.id}: {len(plan.problems)} problem(s); nothing can be applied", err=True)
        sys.exit(EXIT_FINDINGS)
    # The bases the diffs were made against: apply refuses if a default branch moves.
    ws.journal(m.id).record_plan(plan.bases)


# ---------------------------------------------------------------------------- apply


@experiment.command("apply")
@catalog_option
@json_option
@click.option("--rollback", is_flag=True, help="Close the PRs and delete the branches a failed run left.")
@click.argument("manifest")
@_guard
def apply_cmd(catalog_dir: str | None, as_json: bool, rollback: bool, manifest: str) -> None:
    """Open (or reconcile) one cross-linked pull request per repo."""
    from atlas.experiments.apply import PlanRefused, Progress, apply_experiment
    from atlas.experiments.apply import rollback as do_rollback
    from atlas.experiments.errors import ExperimentError
    from atlas.experiments.token import scrub

    ws = _ws(catalog_dir)
    m = ws.load_manifest(manifest)
    forge = _forge(ws, writes=True)
    journal = ws.journal(m.id)

    def show(p: Progress) -> None:
        if not as_json and p.status != "start":
            click.echo(f"  {p.repo:<16} {p.step:<18} {p.status:<5} {p.detail}")

    if rollback:
        lines = do_rollback(m, ws.repos, forge, journal, show)
        if as_json:
            emit_json({"experiment": m.id, "rolled_back": lines, "state": m.state})
        else:
            click.echo("\n".join(lines) if lines else "nothing to roll back (no journal, and no PR on GitHub)")
            click.echo(f"{m.id}: rolled back; manifest state {m.state}")
        if m.state != "draft":
            sys.exit(EXIT_FINDINGS)
        return
    try:
        result = apply_experiment(m, ws.template_for(m), ws.repos, forge, journal, show, others=_others(ws, m.id))
    except PlanRefused as exc:
        for problem in exc.plan.problems:
            click.echo(f"atlas: {problem}", err=True)
        sys.exit(EXIT_FINDINGS)
    except ExperimentError as exc:
        fail(
            f"apply stopped: {scrub(str(exc))}. Re-run `atlas experiment apply {manifest}` to resume, "
            f"or add --rollback to remove what was made"
        )
    if as_json:
        emit_json(
            {
                "experiment": m.id,
                "changed": result.changed,
                "prs": {r: {"github": p.github, "number": p.number, "url": p.url} for r, p in result.prs.items()},
            }
        )
        return
    if result.no_op:
        click.echo(f"{m.id}: already applied, nothing changed")
    for repo, pr in result.prs.items():
        click.echo(f"{repo:<16} #{pr.number:<5} {pr.url}")


# ---------------------------------------------------------------------------- status / merge / abort


@experiment.command("status")
@catalog_option
@json_option
@click.argument("experiment_id")
@_guard
def status_cmd(catalog_dir: str | None, as_json: bool, experiment_id: str) -> None:
    """Every PR's state, review and checks; a loud PARTIALLY MERGED when the set is split."""
    from atlas.experiments.lifecycle import render_status, set_status, sync_state

    ws = _ws(catalog_dir)
    m = ws.load_manifest(experiment_id)
    forge = _forge(ws)
    status = set_status(m, ws.template_for(m), forge)
    sync_state(m, status)
    svc = services()
    if not (svc.demo and not svc.env.get("GITHUB_API_URL")):  # the demo's embedded forge is read-only
        from atlas.experiments.lifecycle import refresh_bodies

        refresh_bodies(m, ws.template_for(m), status, forge)
    if as_json:
        emit_json(
            {
                "experiment": m.id,
                "overall": status.overall,
                "partially_merged": status.partial,
                "prs": [
                    {"repo": r, "github": p.github, "number": p.number, "url": p.url, "state": p.display_state,
                     "review": p.review, "checks": p.checks, "check_runs": dict(p.check_details),
                     "mergeable_state": p.mergeable_state}
                    for r, p in status.prs
                ],
            }
        )
    else:
        click.echo(render_status(status), nl=False)
    if status.partial:
        sys.exit(EXIT_FINDINGS)


@experiment.command("merge")
@catalog_option
@click.argument("experiment_id")
@_guard
def merge_cmd(catalog_dir: str | None, experiment_id: str) -> None:
    """Merge pipeline, then training, then serving, each at its recorded head sha."""
    from atlas.experiments.lifecycle import merge_set, render_merge

    ws = _ws(catalog_dir)
    m = ws.load_manifest(experiment_id)
    report = merge_set(m, ws.template_for(m), _forge(ws, writes=True))
    text = render_merge(m, report)
    if report.failure:
        click.echo(text, nl=False, err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(text, nl=False)


@experiment.command("abort")
@catalog_option
@click.argument("experiment_id")
@_guard
def abort_cmd(catalog_dir: str | None, experiment_id: str) -> None:
    """Close the PRs, delete the branches, mark the manifest aborted."""
    from atlas.experiments.lifecycle import abort_set

    from atlas.experiments.verify import CachedReader

    ws = _ws(catalog_dir)
    m = ws.load_manifest(experiment_id)
    forge = _forge(ws, writes=True)
    for line in abort_set(m, ws.template_for(m), forge, ws.repos, CachedReader(forge)):
        click.echo(line)
    if m.state != "aborted":
        click.echo(f"atlas: {m.id}: not aborted (state {m.state}): see above for what is still live", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{m.id}: aborted")



# ---------------------------------------------------------------------------- verify / list


@experiment.command("verify")
@catalog_option
@json_option
@_guard
def verify_cmd(catalog_dir: str | None, as_json: bool) -> None:
    """CI gate: every active experiment present and consistent on all default branches."""
    from atlas.experiments.verify import CachedReader, verify_all

    ws = _ws(catalog_dir)
    if ws.template_errors:
        from atlas.experiments.errors import ManifestError

        raise ManifestError(ws.template_errors)
    manifests, bad = ws.manifests()
    verdicts = verify_all(manifests, ws.templates, ws.repos, CachedReader(_forge(ws)))
    ok = not bad and all(v.ok for v in verdicts)
    if as_json:
        emit_json({"ok": ok, "experiments": [v.to_json() for v in verdicts], "invalid_manifests": bad})
    else:
        for line in bad:
            click.echo(f"FAIL {line}")
        for v in verdicts:
            click.echo(f"{'ok  ' if v.ok else 'FAIL'} {v.experiment} ({v.state})")
            for p in v.problems:
                click.echo(f"       - {p}")
            for w in v.warnings:
                click.echo(f"       ? {w}")
        if not verdicts and not bad:
            click.echo("no active experiments")
    if not ok:
        sys.exit(EXIT_FINDINGS)


@experiment.command("list")
@catalog_option
@json_option
@_guard
def list_cmd(catalog_dir: str | None, as_json: bool) -> None:
    """Every manifest with its state and PRs (no GitHub calls)."""
    ws = _ws(catalog_dir)
    manifests, bad = ws.manifests()
    if as_json:
        emit_json(
            {
                "experiments": [
                    {"id": m.id, "template": m.template, "state": m.state,
                     "prs": {r: p.url for r, p in m.prs.items()}}
                    for m in manifests
                ],
                "invalid_manifests": bad,
            }
        )
        return
    for m in manifests:
        click.echo(f"{m.id:<28} {m.state:<17} {m.template:<10} {len(m.prs)} PR(s)")
    for line in bad:
        click.echo(f"atlas: {line}", err=True)
    if bad:
        sys.exit(EXIT_FINDINGS)


# the draft manifest's command, and those that read running (and ended) experiments: their
# own modules, registered here
from atlas.commands import experiment_draft, experiment_watch  # noqa: E402,F401
