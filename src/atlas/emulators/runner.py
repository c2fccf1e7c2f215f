"""Start every emulator a scenario needs, and tell clients where they are.

`start_all(path)` is what `atlas emulator`, the TUI's demo mode and tests use: the GCP
emulator always, the GitHub emulator when that package is available and the scenario has a
`[github]` section, the Kubeflow Pipelines one when it has a `[kubeflow]` section, the Vertex
AI Pipelines one (ATLAS_VERTEX_ENDPOINT, ATLAS_VERTEX_TOKEN) when it has a `[vertex]` section.
`start_github(path)` starts only the GitHub one, for commands that read
nothing else (it skips ~2 s of cloud-library imports). `.env()` gives the variables the
client factories read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from atlas.emulators.scenario import Scenario, ScenarioError, load_scenario

DEMO_TOKEN = "atlas-demo-token"  # a fixed fake: the emulator accepts any token, real GitHub none of these


@dataclass
class RunningEmulators:
    scenario: Scenario
    gcp: Any  # GcpEmulator, or None when only GitHub was started
    monitoring_host: str
    github: Any = None  # GitHubEmulator, when started
    github_api_url: str | None = None
    notes: list[str] = field(default_factory=list)  # why something did not start
    kfp: Any = None  # KfpEmulator, when the scenario has a [kubeflow] section
    kfp_endpoint: str | None = None
    vertex: Any = None  # VertexEmulator, when the scenario has a [vertex] section
    vertex_endpoint: str | None = None

    @property
    def logging_host(self) -> str:
        return self.monitoring_host  # one gRPC port serves both APIs

    def env(self) -> dict[str, str]:
        env = {}
        if self.gcp is not None:
            env.update(MONITORING_EMULATOR_HOST=self.monitoring_host, LOGGING_EMULATOR_HOST=self.logging_host)
            env["PUBSUB_EMULATOR_HOST"] = self.monitoring_host  # Pub/Sub admin on the same port
        if self.github_api_url:
            env["GITHUB_API_URL"] = self.github_api_url
            env["GITHUB_TOKEN"] = DEMO_TOKEN
        if self.kfp_endpoint:
            env["KF_PIPELINES_ENDPOINT"] = self.kfp_endpoint  # the kfp SDK's variable
        if self.vertex_endpoint:
            # atlas.kubeflow.vertex: the regional host of every vertex deployment, and its token
            env["ATLAS_VERTEX_ENDPOINT"] = self.vertex_endpoint
            env["ATLAS_VERTEX_TOKEN"] = self.vertex.token
        return env

    def stop(self) -> None:
        if self.vertex is not None:
            self.vertex.stop()
            self.vertex = None
        if self.kfp is not None:
            self.kfp.stop()
            self.kfp = None
        if self.github is not None:
            self.github.stop()
            self.github = None
        if self.gcp is not None:
            self.gcp.stop()

    def __enter__(self) -> "RunningEmulators":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_all(scenario_path: str | Path | Scenario, *, port: int = 0, github_port: int = 0,
              now: Callable[[], float] = time.time, kfp_port: int = 0, vertex_port: int = 0) -> RunningEmulators:
    """Raises ScenarioError (one line) for a bad scenario, OSError when a port is taken."""
    from atlas.emulators.gcp import GcpEmulator

    scenario = scenario_path if isinstance(scenario_path, Scenario) else load_scenario(scenario_path)
    gcp = GcpEmulator(scenario, port=port, now=now)
    running = RunningEmulators(scenario=scenario, gcp=gcp, monitoring_host=gcp.start())
    try:
        _start_github(running, github_port, now)
        if scenario.kubeflow:
            from atlas.emulators.kfp import KfpEmulator

            running.kfp = KfpEmulator(scenario.kubeflow, port=kfp_port, now=now)
            running.kfp_endpoint = running.kfp.start()
        if scenario.vertex:
            from atlas.emulators.vertex import VertexEmulator

            running.vertex = VertexEmulator(scenario.vertex, port=vertex_port, now=now, project=scenario.project)
            running.vertex_endpoint = running.vertex.start()
    except BaseException:
        running.stop()
        raise
    return running


def start_github(scenario_path: str | Path | Scenario, *, port: int = 0,
                 now: Callable[[], float] = time.time) -> RunningEmulators:
    """Only the GitHub emulator (see `.notes` when the scenario has none)."""
    scenario = scenario_path if isinstance(scenario_path, Scenario) else load_scenario(scenario_path)
    running = RunningEmulators(scenario=scenario, gcp=None, monitoring_host="")
    _start_github(running, port, now)
    return running


def _start_github(running: RunningEmulators, port: int, now: Callable[[], float]) -> None:
    repos_dir = running.scenario.github_repos_dir
    if repos_dir is None:
        running.notes.append("GitHub emulator not started: the scenario has no [github] repos_dir")
        return
    try:
        from atlas.emulators.github import GitHubEmulator, load_seed
    except ImportError:
        running.notes.append("GitHub emulator not available in this build")
        return
    from atlas.emulators.github.seed import SeedError

    try:
        seed = load_seed(repos_dir)
        # it requires the token we hand out, as GitHub would; seeded PRs are merged here
        running.github = GitHubEmulator(seed, port=port, token=DEMO_TOKEN, clock=now)
    except SeedError as exc:  # start_all's promise: a bad scenario is a ScenarioError
        raise ScenarioError(str(exc)) from None
    running.github_api_url = running.github.start()
