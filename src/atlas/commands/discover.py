"""`atlas discover`: draft the catalog from the artifacts that already exist, and show where
catalog and reality disagree.

    atlas discover [--repo PATH|OWNER/NAME ...] [--gcp] [--format text|json|toml] [-o FILE]
    atlas discover --init DIR      a starting catalog in an empty folder
    atlas discover --write         merge new components and edges into the catalog
    atlas discover --diff          drift against live GCP; exit 1 when there is any
    atlas discover --reject ID | --reject DOWN<-UP    never propose it again

Without --repo, the catalog's [[repo]] entries are read through the forge (GitHub API).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from atlas.commands.common import (EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, catalog_option, demo_env, fail, load_or_exit,
                                   services, write_or_echo)


def _read_repos(specs: tuple[str, ...], catalog, env) -> list:
    from atlas.discovery.files import read_forge, read_local

    out, remote = [], []
    if not specs and catalog is not None:
        specs = tuple(r.github for r in sorted(catalog.repos.values(), key=lambda r: r.id))
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            out.append(read_local(path, _repo_name(catalog, path.name)))
        elif spec.count("/") == 1 and not path.exists():
            remote.append(spec)
        else:
            fail(f"--repo {spec}: not a folder and not OWNER/NAME", EXIT_USAGE)
    if remote:
        from atlas.experiments.forge import ForgeError, open_forge

        try:
            forge = open_forge(env=env)
        except ForgeError as exc:
            fail(f"cannot reach the forge for {', '.join(remote)}: {exc}")
        for github in remote:
            out.append(read_forge(forge, github, name=_repo_name(catalog, github.split("/", 1)[1], github)))
    return out


def _repo_name(catalog, short: str, github: str = "") -> str:
    for repo in (catalog.repos.values() if catalog is not None else ()):
        if (github and repo.github == github) or repo.github.rsplit("/", 1)[-1] == short or repo.id == short:
            return repo.id
    return short


def _live(findings, catalog, env, projects: list[str]) -> None:
    from atlas.discovery import live
    from atlas.health.clients import make_clients, make_retry

    retry = make_retry()
    pubsub = live.make_pubsub(env)
    try:
        live.discover_pubsub(pubsub, projects, findings, retry=retry)
    finally:
        pubsub.close()
    if catalog is None:
        return
    clients = make_clients(env, logging=False)
    try:
        if clients.monitoring is None:
            findings.unanswered(clients.monitoring_problem or "Cloud Monitoring unavailable: liveness unknown")
            return
        live.discover_monitoring(clients.monitoring, list(catalog.signals.values()), projects, time.time(), findings,
                                 retry=clients.retry, timeout=clients.timeout)
    finally:
        clients.close()


@click.command("discover")
@catalog_option
@click.option("--repo", "repos", multiple=True, metavar="PATH|OWNER/NAME", help="A repo to read (repeatable).")
@click.option("--gcp", is_flag=True, help="Also read live GCP: Pub/Sub admin and 24 h of Cloud Monitoring.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "toml"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the proposals to FILE.")
@click.option("--init", "init_dir", type=click.Path(file_okay=False), help="Write a starting catalog into DIR.")
@click.option("--write", is_flag=True, help="Merge new components and edges into the catalog.")
@click.option("--diff", is_flag=True, help="Report drift against live GCP (implies --gcp); exit 1 on drift.")
@click.option("--reject", "rejects", multiple=True, metavar="ID|DOWN<-UP", help="Record a rejected proposal.")
@click.option("--project", "projects", multiple=True, help="GCP project to read (default: the catalog's).")
def discover(catalog_dir, repos, gcp, fmt, output, init_dir, write, diff, rejects, projects) -> None:
    """Propose catalog entries from pipelines, manifests, DAGs, Terraform, CODEOWNERS and git."""
    from atlas.discovery.compare import compare
    from atlas.discovery.drift import find_drift
    from atlas.discovery.render import to_json_text, to_text, to_toml
    from atlas.discovery.run import discover_repos, fold_dead_letters

    if sum(bool(x) for x in (init_dir, write, diff, rejects)) > 1:
        fail("--init, --write, --diff and --reject are separate steps: give one", EXIT_USAGE)
    catalog = None if init_dir else load_or_exit(catalog_dir)
    svc = services(catalog_dir)
    if rejects:
        _reject(catalog, rejects)
        return
    if init_dir and not repos and not gcp:
        fail("--init needs --repo PATH|OWNER/NAME (or --gcp) to read from", EXIT_USAGE)
    gcp = gcp or diff
    remote = any(not Path(r).is_dir() for r in repos) or (not repos and catalog is not None)
    parts = (("gcp",) if gcp else ()) + (("github",) if remote else ())
    # --init has no catalog, hence no demo: the environment as the user set it
    env = dict(svc.env) if catalog is None or not parts else demo_env(svc, *parts, what="using the embedded emulators")
    repo_files = _read_repos(repos, catalog, env)
    findings = discover_repos(repo_files)
    if gcp:
        wanted = list(projects) or (sorted(catalog.projects) if catalog is not None else [])
        if not wanted:
            fail("--gcp needs --project (no catalog to take projects from)", EXIT_USAGE)
        _live(findings, catalog, env, wanted)
        fold_dead_letters(findings)
    proposals = compare(findings, catalog)
    if diff and catalog is not None:
        proposals.drift = find_drift(findings, catalog)
        proposals.drift_unchecked = list(findings.unasked)
    for note in proposals.notes:
        click.echo(f"note: {note}", err=True)
    if init_dir:
        from atlas.discovery.init import InitError, write_init

        try:
            written = write_init(init_dir, findings, proposals)
        except (InitError, OSError) as exc:
            fail(str(exc))
        click.echo(f"wrote {len(written)} files to {init_dir}: {len(proposals.components)} components, "
                   f"{len(proposals.edges)} edges; run `atlas lint --catalog {init_dir}`")
        return
    if write:
        from atlas.catalog.writeback import WritebackError
        from atlas.discovery.merge import write_proposals

        try:
            result = write_proposals(catalog, proposals)
        except WritebackError as exc:
            fail(str(exc))
        if not result.changed:
            click.echo("nothing new to write: the catalog has every discovered component and edge")
        for line in result.components:
            click.echo(f"added component {line}")
        for line in result.edges:
            click.echo(f"added edge: {line}")
        return
    text = {"json": to_json_text, "toml": lambda p: to_toml(p, catalog)}.get(fmt, to_text)(proposals)
    write_or_echo(text, output)
    if diff and (proposals.drift or proposals.drift_unchecked):
        if proposals.drift_unchecked:  # a CI gate whose check did not run never passes
            click.echo(f"atlas: drift not checked everywhere: {len(proposals.drift_unchecked)} live read(s) "
                       "failed (see the notes)", err=True)
        raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_OK)


def _reject(catalog, rejects) -> None:
    from atlas.catalog.writeback import WritebackError
    from atlas.discovery.merge import reject

    for key in rejects:
        down, sep, up = key.partition("<-")
        if sep and not up.strip():
            fail("reject: depends_on '' is not a component id (give ID or DOWN<-UP)")
        try:
            path = reject(catalog, down.strip(), up.strip())
        except WritebackError as exc:
            fail(str(exc))
        click.echo(f"recorded in {path}: {key} will not be proposed again")
