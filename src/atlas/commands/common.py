"""Options and helpers shared by every subcommand."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def catalog_option(f: Callable) -> Callable:
    """`--catalog DIR` on every subcommand (default ./catalog, or $ATLAS_CATALOG)."""
    return click.option(
        "--catalog",
        "catalog_dir",
        default=None,
        type=click.Path(file_okay=False),
        help="Catalog directory (default ./catalog or $ATLAS_CATALOG).",
    )(f)


def json_option(f: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(f)


def resolve_catalog_dir(catalog_dir: str | None) -> Path:
    if catalog_dir:
        return Path(catalog_dir)
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("catalog_dir"):
            return Path(ctx.obj["catalog_dir"])
        ctx = ctx.parent
    return Path(os.environ.get("ATLAS_CATALOG", "catalog"))


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def fail(message: str, code: int = EXIT_FINDINGS) -> None:
    """Print one clear line on stderr and exit: never a traceback."""
    click.echo(f"atlas: {message}", err=True)
    sys.exit(code)


def write_or_echo(text: str, output: str | None) -> None:
    """Write `text` atomically to `output` (saying so on stderr), or print it when no file
    (or "-") is given."""
    if output and output != "-":
        from atlas.fsutil import atomic_write_text

        try:
            atomic_write_text(output, text)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def exit_if_no_catalog(result) -> None:
    """No catalog directory at all is a usage error: one line saying where to point atlas."""
    missing = next((p for p in result.problems if p.code == "catalog-missing"), None)
    if missing is not None:
        fail(f"{missing.message} ({missing.hint})" if missing.hint else missing.message, EXIT_USAGE)


def problem_base() -> Path:
    """Problems name files relative to the current directory when they are under it."""
    return Path.cwd()


def services(catalog_dir: str | Path | None = None):
    """This invocation's `atlas.services.Services`: built on first use from the catalog
    directory, the environment and `--demo/--no-demo`, and closed (emulators stopped) when
    the command ends. Every subcommand reaches the core through it."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    obj = root.ensure_object(dict)
    existing = obj.get("services")
    if existing is None:
        from atlas.services import Services

        existing = Services(resolve_catalog_dir(str(catalog_dir) if catalog_dir else None), demo=obj.get("demo"))
        obj["services"] = existing
        root.call_on_close(existing.close)
    return existing


def demo_env(services_, *parts: str, what: str) -> dict[str, str]:
    """The environment for clients of `parts`, saying once on stderr when they go to the
    embedded emulators (`what`: "reading the sample repos from the embedded GitHub")."""
    from atlas.services import DemoError

    try:
        env = services_.env_for(*parts)
    except DemoError as exc:
        fail(str(exc))
    _say_demo(services_, env, what)
    return env


def announce_demo(services_, *parts: str, what: str) -> None:
    """Say once on stderr that clients of `parts` go to the embedded emulators; nothing
    when they cannot start (the caller's result says why)."""
    from atlas.services import DemoError

    try:
        env = services_.env_for(*parts)
    except DemoError:
        return
    _say_demo(services_, env, what)


def _say_demo(services_, env: dict[str, str], what: str) -> None:
    if services_.demo and env != services_.env:
        obj = click.get_current_context().find_root().ensure_object(dict)
        if what not in obj.setdefault("demo_said", set()):
            obj["demo_said"].add(what)
            click.echo(f"DEMO: {what}", err=True)


def load_or_exit(catalog_dir: str | Path | None, *, show_warnings: bool = False):
    """Load the catalog or exit: errors are printed on stderr, one line each, then exit 1
    (exit 2 when the catalog directory itself is missing). Warnings are `atlas lint`'s
    business and only printed with show_warnings. Returns the `Catalog`."""
    svc = services(catalog_dir)
    root = svc.source_dir
    result = svc.load()
    base = problem_base()
    exit_if_no_catalog(result)
    shown = [p for p in result.problems if p.is_error or show_warnings]
    for problem in shown:
        click.echo(problem.format(base), err=True)
    if not result.ok:
        n = len(result.errors)
        fail(f"{n} error{'s' if n != 1 else ''} in catalog {root}: fix them first (atlas lint --catalog {root})")
    return result.catalog
