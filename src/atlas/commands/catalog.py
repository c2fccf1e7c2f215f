"""Catalog commands: lint, show, graph, export/import backstage, schema.

Exit codes: 0 fine, 1 findings or errors, 2 usage errors (click's own, or a missing
catalog directory).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from atlas.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    catalog_option,
    emit_json,
    exit_if_no_catalog,
    fail,
    json_option,
    load_or_exit,
    problem_base,
    resolve_catalog_dir,
    services,
    write_or_echo,
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- lint ------------------------------------------------------------------------------


@click.command()
@catalog_option
@json_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--errors-only", is_flag=True, help="Hide warnings.")
@click.option("--online", is_flag=True,
              help="Also check each metric template against ListMetricDescriptors of its projects.")
def lint(catalog_dir: str | None, as_json: bool, fmt: str, errors_only: bool, online: bool) -> None:
    """Check the catalog: errors (exit 1) and warnings (gaps worth fixing, exit 0)."""
    from atlas.catalog.lint import lint as lint_catalog
    from atlas.experiments.lint import lint_experiments
    from atlas.watch.lint import lint_watch

    svc = services(catalog_dir)
    result = svc.load()
    exit_if_no_catalog(result)
    problems = list(result.problems)
    problems += lint_catalog(result.catalog, result.graph)
    problems += lint_experiments(svc.experiments())
    problems += lint_watch(svc.experiments())
    if online:
        problems += _online_problems(result.catalog, svc)
    problems.sort(key=lambda p: (not p.is_error, str(p.file or ""), p.line or 0))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    shown = [p for p in problems if p.is_error or not errors_only]
    base = problem_base()
    if as_json or fmt == "json":
        emit_json({
            "ok": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "files": len(result.files),
            "components": len(result.catalog.components),
            "problems": [p.to_json(base) for p in shown],
        })
    else:
        for p in shown:
            click.echo(p.format(base))
        click.echo(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(len(result.files), 'file')}")
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)


def _online_problems(catalog, svc) -> list:
    """The metric templates against the live descriptors of each project: Google's, or the
    emulator's in demo mode or when MONITORING_EMULATOR_HOST is set."""
    from atlas.catalog.locate import with_lines
    from atlas.catalog.metric_lint import check_online
    from atlas.health.clients import describe_error, make_clients

    try:
        env = svc.env_for("gcp")
    except Exception as exc:  # noqa: BLE001 - DemoError: the demo's emulators did not start
        fail(f"--online: {exc}")
    clients = make_clients(env, logging=False)
    if clients.monitoring is None:
        fail(f"--online: {clients.monitoring_problem}")

    def descriptors_of(project: str) -> dict:
        try:
            found = clients.monitoring.list_metric_descriptors(name=f"projects/{project}", retry=clients.retry,
                                                               timeout=clients.timeout)
            from google.api.metric_pb2 import MetricDescriptor

            return {d.type: (MetricDescriptor.MetricKind.Name(d.metric_kind),
                             MetricDescriptor.ValueType.Name(d.value_type)) for d in found}
        except Exception as exc:  # noqa: BLE001 - one readable line per project
            raise RuntimeError(describe_error(exc, project=project, target=clients.monitoring_target)) from None

    try:
        return with_lines(check_online(catalog, descriptors_of))
    finally:
        clients.close()


# -- show ------------------------------------------------------------------------------


def _unknown_component(catalog, cid: str) -> None:
    from atlas.catalog.validate import did_you_mean

    hint = did_you_mean(cid, catalog.components)
    fail(f'unknown component "{cid}"' + (f" ({hint})" if hint else ""))


@click.command()
@click.argument("component_id", metavar="ID")
@catalog_option
@json_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
def show(component_id: str, catalog_dir: str | None, as_json: bool, fmt: str) -> None:
    """Everything known about one component: owner, handover, repo, runbook, neighbours, signals."""
    from atlas.catalog.describe import component_facts, render_component

    catalog = load_or_exit(catalog_dir)
    if component_id not in catalog.components:
        _unknown_component(catalog, component_id)
    facts = component_facts(catalog, services().graph, component_id)
    if as_json or fmt == "json":
        emit_json(facts)
    else:
        click.echo(render_component(facts), nl=False)


# -- graph -----------------------------------------------------------------------------


@click.command()
@click.argument("component_id", metavar="ID")
@catalog_option
@json_option
@click.option("--upstream", "direction", flag_value="upstream", help="Only what it depends on.")
@click.option("--downstream", "direction", flag_value="downstream", help="Only what depends on it.")
@click.option("--depth", type=click.IntRange(min=1), default=None, help="At most this many hops.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "dot", "mermaid"]), default="text",
              show_default=True, help="Output format.")
def graph(component_id: str, catalog_dir: str | None, as_json: bool, direction: str | None, depth: int | None,
          fmt: str) -> None:
    """The dependency neighbourhood of one component (both directions by default)."""
    from atlas.catalog import graphviews

    catalog = load_or_exit(catalog_dir)
    if component_id not in catalog.components:
        _unknown_component(catalog, component_id)
    g = services().graph
    n = graphviews.neighbourhood(g, component_id, direction or "both", depth)
    if as_json or fmt == "json":
        emit_json(graphviews.to_json(catalog, n))
    elif fmt == "dot":
        click.echo(graphviews.to_dot(catalog, n), nl=False)
    elif fmt == "mermaid":
        click.echo(graphviews.to_mermaid(catalog, n), nl=False)
    else:
        click.echo(graphviews.to_text(catalog, g, n), nl=False)


# -- Backstage -------------------------------------------------------------------------


@click.group()
def export() -> None:
    """Export the catalog to other formats."""


@export.command("backstage")
@catalog_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: stdout).")
def export_backstage(catalog_dir: str | None, output: str | None) -> None:
    """The catalog as Backstage catalog-info.yaml documents (Group, User, System, Component, Resource)."""
    from atlas.catalog.backstage import export_yaml

    catalog = load_or_exit(catalog_dir)
    write_or_echo(export_yaml(catalog), output)


@click.group("import")
def import_() -> None:
    """Import catalog entities from other formats."""


@import_.command("backstage")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--into", type=click.Path(file_okay=False), default=None,
              help="Catalog directory to write into (default: --catalog, ./catalog).")
@click.option("--catalog", "catalog_dir", default=None, type=click.Path(file_okay=False), hidden=True)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@json_option
def import_backstage(files: tuple[str, ...], into: str | None, catalog_dir: str | None, force: bool,
                     as_json: bool) -> None:
    """Read Backstage catalog-info.yaml FILE(s) and write catalog TOML files."""
    from atlas.catalog.backstage import BackstageError
    from atlas.catalog.backstage_import import import_documents, read_documents, write_import

    target = Path(into) if into else resolve_catalog_dir(catalog_dir)
    try:
        result = import_documents(read_documents(files), target)
        written = write_import(result, force=force)
    except BackstageError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write into {target}: {exc.strerror or exc}")
    if as_json:
        emit_json({"written": [str(p) for p in written], "counts": result.counts, "notes": result.notes})
        return
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for path in written:
        click.echo(f"wrote {path}")
    c = result.counts
    click.echo(f"imported {_plural(c['components'], 'component')}, {_plural(c['systems'], 'system')}, "
               f"{_plural(c['teams'], 'team')}, {_plural(c['people'], 'person').replace('persons', 'people')}; "
               f"check with: atlas lint --catalog {target}")


# -- schema ----------------------------------------------------------------------------


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: stdout).")
@click.option("--check", "check_file", type=click.Path(dir_okay=False), default=None,
              help="Exit 1 if this file differs from the current schema (for CI).")
def schema(output: str | None, check_file: str | None) -> None:
    """The JSON Schema of catalog files, for editor completion and checks."""
    from atlas.catalog.schema import schema_text

    text = schema_text()
    if check_file:
        from atlas.fsutil import read_regular

        try:  # read_regular: a FIFO would block the check forever
            current = read_regular(check_file, 16 * 1024 * 1024).decode("utf-8", "replace")
        except OSError as exc:
            fail(f"cannot read {check_file}: {exc.strerror or exc}")
        if current != text:
            fail(f"{check_file} is out of date: run atlas schema --output {check_file}")
        click.echo(f"{check_file} is up to date")
        return
    write_or_echo(text, output)
