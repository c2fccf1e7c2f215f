"""The `atlas` command line. Subcommands live in atlas.commands.* and load lazily, so
`atlas` (the TUI) pays only for what it uses and `atlas lint` never imports Textual."""

from __future__ import annotations

import importlib
import os
import sys

import click

# name -> "module:attribute"; each module owns one area of the CLI.
_COMMANDS: dict[str, str] = {
    "lint": "atlas.commands.catalog:lint",
    "show": "atlas.commands.catalog:show",
    "graph": "atlas.commands.catalog:graph",
    "export": "atlas.commands.catalog:export",
    "import": "atlas.commands.catalog:import_",
    "schema": "atlas.commands.catalog:schema",
    "health": "atlas.commands.health:health",
    "triage": "atlas.commands.health:triage",
    "logs": "atlas.commands.health:logs",
    "emulator": "atlas.commands.emulator:emulator",
    "experiment": "atlas.commands.experiment:experiment",
    "handover": "atlas.commands.handover:handover",
    "whois": "atlas.commands.handover:whois",
    "runbook": "atlas.commands.handover:runbook",
    "discover": "atlas.commands.discover:discover",
    "runs": "atlas.commands.runs:runs",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in _COMMANDS:
            return cmd
        module_name, attr = _COMMANDS[name].split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # an area not built yet
            if exc.name == module_name:
                return None
            raise
        return getattr(module, attr, None)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--catalog",
    "catalog_dir",
    default=lambda: os.environ.get("ATLAS_CATALOG", "catalog"),
    show_default="./catalog or $ATLAS_CATALOG",
    type=click.Path(file_okay=False),
    help="Catalog directory.",
)
@click.option("--read-only", is_flag=True, help="Hide everything that writes (TUI).")
@click.option("--refresh", "refresh_seconds", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Health refresh interval in seconds (TUI).")
@click.option("--demo/--no-demo", default=None, help="Force the embedded emulators on or off (default: on for the sample catalog).")
@click.version_option(package_name="atlas")
@click.pass_context
def cli(ctx: click.Context, catalog_dir: str, read_only: bool, refresh_seconds: float, demo: bool | None) -> None:
    """atlas: the catalog, live health, triage, handover and experiments of an ML product.

    With no command, opens the terminal UI.
    """
    ctx.ensure_object(dict)
    ctx.obj["catalog_dir"] = catalog_dir
    ctx.obj["demo"] = demo  # every subcommand's Services honours --demo/--no-demo too
    if ctx.invoked_subcommand is None:
        from atlas.commands.tui import launch  # lazy: Textual only when the TUI runs

        sys.exit(launch(catalog_dir, read_only=read_only, refresh_seconds=refresh_seconds, demo=demo))


def main() -> None:
    cli(prog_name="atlas")


if __name__ == "__main__":
    main()
