"""`atlas emulator`: run the loopback emulators in the foreground for anyone's tests."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import click

from atlas.commands.common import EXIT_USAGE, fail

DEFAULT_SCENARIO = Path("scenarios") / "nw-recs.toml"


@click.command()
@click.option("--scenario", "scenario_path", type=click.Path(dir_okay=False), default=None,
              help=f"Scenario file (default ./{DEFAULT_SCENARIO}).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="gRPC port for Cloud Monitoring + Cloud Logging (0 = any free port).")
@click.option("--github-port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="HTTP port for the GitHub API (0 = any free port).")
def emulator(scenario_path: str | None, port: int, github_port: int) -> None:
    """Run the GCP (and GitHub) emulators until Ctrl-C or SIGTERM.

    Prints the endpoints and the `export` lines that point atlas, or any Google/PyGithub
    client, at them.
    """
    # our own messages say what went wrong; grpc's C core would add a log line of its own
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    from atlas.emulators.runner import start_all
    from atlas.emulators.scenario import ScenarioError

    path = Path(scenario_path) if scenario_path else DEFAULT_SCENARIO
    if not path.is_file():
        hint = "" if scenario_path else " (run from the workspace top level, or pass --scenario FILE)"
        fail(f"{path}: scenario file not found{hint}", EXIT_USAGE)
    try:
        running = start_all(path, port=port, github_port=github_port)
    except (ScenarioError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot start the emulators: {exc}")

    stop = threading.Event()
    # Ctrl-C and SIGTERM stop it the same way, whenever they come: a KeyboardInterrupt
    # raised while the banner is still being printed would skip the clean stop
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        sc = running.scenario
        entries = sum(len(spec.entries(running.gcp.now())) for spec in sc.logs)
        click.echo(f"atlas emulator: scenario {path} ({len(sc.series)} series, {entries} log entries, "
                   f"{len(sc.alert_policies)} alert policies)")
        click.echo(f"  Cloud Monitoring + Cloud Logging (gRPC): {running.monitoring_host}")
        if running.github_api_url:
            click.echo(f"  GitHub REST API: {running.github_api_url}")
        if running.kfp_endpoint:
            click.echo(f"  Kubeflow Pipelines API (v2beta1 REST): {running.kfp_endpoint}")
        for note in running.notes:
            click.echo(f"  {note}")
        click.echo("Use them with:")
        for key, value in running.env().items():
            click.echo(f"  export {key}={value}")
        click.echo("Ctrl-C to stop.", nl=True)
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        running.stop()
    click.echo("atlas emulator: stopped")
