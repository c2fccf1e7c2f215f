"""`atlas handover`, `atlas whois`, `atlas runbook`: the ownership handover from the CLI.

    atlas handover [--format text|markdown|json] [--team T] [--no-issues] [--gcp] [-o FILE]
    atlas handover learn ID --person P [--level can-operate]
    atlas whois ID [--json]
    atlas runbook new ID

Exit codes: 0 fine (the plan prints even when GitHub cannot be reached: that is one line on
stderr), 1 unknown component/team/person, an existing runbook, or a file that cannot be
written; 2 usage errors. On the bundled sample (`demo = true`) with no GITHUB_API_URL set,
issues come from the embedded emulator.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from atlas.commands.common import (
    EXIT_FINDINGS,
    catalog_option,
    demo_env,
    emit_json,
    fail,
    json_option,
    load_or_exit,
    services,
    write_or_echo,
)

_today_option = click.option("--today", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                             hidden=True, help="Pretend today is this date (YYYY-MM-DD).")


def _today(value) -> _dt.date:
    return value.date() if value is not None else _dt.date.today()


def _shown(path: str | Path) -> str:
    """A path relative to the current directory when it is under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _issues(catalog, component_ids, *, echo_errors: bool = True):
    svc = services()
    report = svc.issues(component_ids)
    if svc.demo and not svc.env.get("GITHUB_API_URL") and not report.errors:
        click.echo("DEMO: GitHub issues from the embedded emulator", err=True)
    if echo_errors:
        for err in report.errors:
            click.echo(f"atlas: {err}", err=True)
    return report


# -- handover ---------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@catalog_option
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="text for a terminal, markdown for a document or an issue, json for scripts.")
@click.option("--team", "team", metavar="TEAM", help="Only the components this team owns.")
@click.option("--no-issues", is_flag=True, help="Do not fetch open GitHub issues.")
@click.option("--gcp", "live_gcp", is_flag=True,
              help="Also list live Pub/Sub topics and subscriptions no component declares, as actions.")
@click.option("--output", "-o", "output", metavar="FILE", help="Write the plan to FILE instead of stdout.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@_today_option
@click.pass_context
def handover(ctx: click.Context, catalog_dir: str | None, fmt: str, team: str | None, no_issues: bool,
             live_gcp: bool, output: str | None, as_json: bool, today) -> None:
    """The handover plan: readiness per component and system, top risks, actions, open issues."""
    if as_json:
        fmt = "json"
    if catalog_dir:
        ctx.ensure_object(dict)["catalog_dir"] = catalog_dir  # for `atlas handover --catalog X learn`
    if ctx.invoked_subcommand is not None:
        return
    from atlas.handover.plan import UnknownTeamError, build_plan, check_team
    from atlas.handover.report import plan_json, render_markdown, render_text

    catalog = load_or_exit(catalog_dir)
    if team is not None:
        try:
            check_team(catalog, team)
        except UnknownTeamError as exc:
            fail(str(exc))
    ids = [cid for cid, c in catalog.components.items() if team is None or c.owner == team]
    # a text plan on the terminal shows GitHub's failure in its issues section already
    in_body = fmt == "text" and not (output and output != "-")
    issues = None if no_issues else _issues(catalog, ids, echo_errors=not in_body)
    unowned: list[tuple[str, str]] = []
    if live_gcp:
        svc = services()
        demo_env(svc, "gcp", what="live resources from the embedded emulators")
        unowned, notes = svc.unowned_resources()
        for note in notes:
            click.echo(f"atlas: {note}", err=True)
    plan = build_plan(catalog, services().graph, today=_today(today), team=team, issues=issues, unowned=unowned)
    if fmt == "json":
        import json

        text = json.dumps(plan_json(plan), indent=2) + "\n"
    elif fmt == "markdown":
        text = render_markdown(plan)
    else:
        text = render_text(plan)
    write_or_echo(text, output)


@handover.command("learn")
@click.argument("component_id", metavar="ID")
@click.option("--person", "person", required=True, metavar="PERSON", help="Person id (from [[person]]).")
@click.option("--level", "level", default="can-operate", show_default=True, metavar="LEVEL",
              help="heard-of | can-operate | can-debug | expert")
@catalog_option
@json_option
def learn(component_id: str, person: str, level: str, catalog_dir: str | None, as_json: bool) -> None:
    """Record what PERSON has learned about component ID (edits only that knowledge entry)."""
    from atlas.handover.knowledge import KnowledgeError, mark_learned

    catalog = load_or_exit(catalog_dir)
    try:
        done = mark_learned(catalog, component_id, person, level)
    except KnowledgeError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"component": done.component, "person": done.person, "level": done.level,
                   "previous": done.previous, "file": _shown(done.file), "changed": done.changed})
        return
    if not done.changed:
        click.echo(f"{person} already {level} on {component_id}: nothing to change")
        return
    was = f" (was {done.previous})" if done.previous else ""
    click.echo(f"recorded {person} = {level} on {component_id}{was} in {_shown(done.file)}")


# -- whois ------------------------------------------------------------------------------


@click.command()
@click.argument("component_id", metavar="ID")
@catalog_option
@json_option
@_today_option
def whois(component_id: str, catalog_dir: str | None, as_json: bool, today) -> None:
    """Who to ask about component ID: owner, previous owner, people who know it, runbook."""
    from atlas.handover.whois import UnknownComponentError, who_is

    catalog = load_or_exit(catalog_dir)
    try:
        answer = who_is(catalog, component_id, _today(today))
    except UnknownComponentError as exc:
        fail(str(exc))
    if as_json:
        emit_json(answer.to_json())
    else:
        click.echo(answer.to_text())


# -- runbook ----------------------------------------------------------------------------


@click.group()
def runbook() -> None:
    """Runbooks: draft one from the catalog."""


@runbook.command("new")
@click.argument("component_id", metavar="ID")
@catalog_option
@_today_option
def runbook_new(component_id: str, catalog_dir: str | None, today) -> None:
    """Write runbooks/ID.md (or the declared path) pre-filled from the catalog; never overwrites."""
    from atlas.handover.runbook import TODO, RunbookError, RunbookExists, write_runbook

    catalog = load_or_exit(catalog_dir)
    try:
        written = write_runbook(catalog, services().graph, component_id, _today(today))
    except RunbookExists as exc:
        click.echo(exc.path)
        fail(str(exc), EXIT_FINDINGS)
    except RunbookError as exc:
        fail(str(exc), EXIT_FINDINGS)
    full = Path(catalog.workspace) / written.path
    todos = full.read_text(encoding="utf-8").count(TODO)
    click.echo(f"wrote {_shown(full)} ({todos} places marked TODO to fill in)")
    if written.catalog_updated:
        click.echo(f'set runbook = "{written.path}" on {written.component} in {_shown(written.catalog_file)}')
