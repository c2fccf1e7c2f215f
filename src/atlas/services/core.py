"""`Services`: the one way into the core, built once per process.

The CLI commands and the TUI get the catalog, the graph, health, logs, GitHub (the forge),
the experiment workspace and the handover inputs from here, and nowhere else. It reads the
environment once, at construction (the process boundary); every client below it is handed
an explicit mapping. In demo mode (the catalog says `demo = true`, or `--demo`) it owns a
`DemoSession`: the emulators start when a reader first needs them and their endpoints go
into that mapping, never into `os.environ`.

Everything here may block (files, sockets): the TUI calls it from thread workers only.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from atlas.services.demo import DemoError, DemoSession, scratch_copy
from atlas.services.loaded import Loaded

if TYPE_CHECKING:  # the heavy parts are imported where they are first used
    from atlas.catalog.model import Catalog
    from atlas.experiments.workspace import ExperimentWorkspace
    from atlas.graph import CatalogGraph
    from atlas.handover.issues import IssueReport
    from atlas.health.deploys import DeployReader
    from atlas.health.onset_errors import OnsetErrorReader
    from atlas.health.service import HealthService


class Services:
    """The catalog and every reader of one atlas process.

    `catalog_dir` is what the user named. `env` is the environment the clients see
    (default: a copy of `os.environ`, taken now). `demo=None` follows the catalog's own
    `demo` flag. `scratch=True` (the TUI) makes a demo session work on a scratch copy of the
    sample. `catalog=` injects a catalog built in code (tests) instead of reading one.
    `use_cache=True` keeps the parsed catalog in the user's start-up cache.
    """

    def __init__(
        self,
        catalog_dir: str | Path,
        *,
        env: Mapping[str, str] | None = None,
        demo: bool | None = None,
        now: Callable[[], float] = time.time,
        scratch: bool = False,
        use_cache: bool = False,
        catalog: "Catalog | None" = None,
    ) -> None:
        self.source_dir = Path(catalog_dir)
        self._catalog_dir = self.source_dir  # the scratch copy's, once a demo session made one
        self.env: dict[str, str] = dict(os.environ if env is None else env)
        self.now = now
        self._demo_flag = demo
        self.demo = bool(demo)
        self._scratch = scratch
        self._use_cache = use_cache
        self._injected = catalog
        self._loaded: Loaded | None = None
        self._to_cache: tuple[Any, list] | None = None
        self._session: DemoSession | None = None
        # the workspace the scenario is read from: the source's, also for a scratch copy
        self._scenario_source: Path | None = None
        self.demo_problem = ""  # why the demo cannot serve (no demo_scenario), shown once
        self._health: HealthService | None = None
        self._forge: Any = None
        self._onset_errors: Any = None  # OnsetErrorReader, built on first use
        self._deploys: Any = None  # DeployReader, built on first use
        self._experiments: ExperimentWorkspace | None = None
        self._lock = threading.RLock()
        self._preload: threading.Thread | None = None
        self._preloaded: Loaded | BaseException | None = None

    # ---- the catalog: loaded once ----------------------------------------------------------

    def preload(self) -> None:
        """Start loading now, in a thread (the TUI does this while Textual is imported);
        `load` then only waits for it."""
        self._preload = threading.Thread(target=self._preload_run, name="atlas-preload", daemon=True)
        self._preload.start()

    def _preload_run(self) -> None:
        try:
            self._preloaded = self.load()
            self._preloaded.order  # what the first frame lists, if the cache did not have it
        except BaseException as exc:  # handed to whoever calls load()
            self._preloaded = exc

    def ready(self) -> bool:
        """`load` would return at once."""
        return self._loaded is not None or (self._preload is not None and not self._preload.is_alive())

    def load(self) -> Loaded:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    @property
    def catalog_dir(self) -> Path:
        """Where the catalog in use lives: the scratch copy in a demo session (every write
        goes there), else the directory the user named."""
        self.load()
        return self._catalog_dir

    @property
    def loaded(self) -> Loaded:
        return self.load()

    @property
    def catalog(self) -> "Catalog":
        return self.load().catalog

    @property
    def graph(self) -> "CatalogGraph":
        return self.load().graph

    def _load(self) -> Loaded:
        order = None
        if self._injected is not None:
            catalog, problems, files = self._injected, [], []
            self.demo = catalog.demo if self._demo_flag is None else bool(self._demo_flag)
        else:
            catalog, problems, files, order = self._read(self.source_dir, cache=self._use_cache)
            self.demo = catalog.demo if self._demo_flag is None else bool(self._demo_flag)
            if self.demo and self._scratch and self.source_dir.is_dir():
                catalog, problems, files, order = self._to_scratch(catalog)
        if self.demo:
            self._open_session(catalog)
        return Loaded(catalog, problems, files, order=order)

    def _read(self, catalog_dir: Path, *, cache: bool) -> tuple["Catalog", list, list[Path], list[str] | None]:
        """(catalog, problems, files read, data-flow order if the cache had it)."""
        if cache:
            from atlas.services import cache as startup_cache

            cached = startup_cache.load(catalog_dir, self.env)
            if cached is not None:
                catalog, problems, order, runbooks_hold = cached
                if not runbooks_hold:  # a runbook written or removed since: check them again
                    from atlas.catalog.loader import recheck_runbooks

                    problems = recheck_runbooks(catalog, problems)
                return catalog, problems, [], order
        from atlas.catalog.loader import load_catalog

        started = time.time_ns()
        result = load_catalog(catalog_dir)
        if cache:
            from atlas.services import cache as startup_cache

            # a folder changed while the runbooks were being checked: check again next start
            folders = {f: (m if m < started else -2) for f, m in startup_cache.runbook_folders(result.catalog).items()}
            self._to_cache = (result.catalog, list(result.problems), folders)
        return result.catalog, list(result.problems), list(result.files), None

    def _to_scratch(self, catalog: "Catalog") -> tuple["Catalog", list, list[Path], list[str] | None]:
        """The demo's own copy: the catalog and the workspace directories its runbooks live
        in. The scenario stays where it is (it is only read)."""
        dirs = {Path(c.runbook).parts[0] for c in catalog.components.values()
                if c.runbook and len(Path(c.runbook).parts) > 1}
        self._scenario_source = Path(catalog.workspace)
        copy = scratch_copy(self.source_dir, Path(catalog.workspace), dirs)
        self._catalog_dir = copy
        self._to_cache = None  # a scratch copy is gone after this session: nothing to keep
        return self._read(copy, cache=False)

    def _open_session(self, catalog: "Catalog") -> None:
        workspace = self._scenario_source or Path(catalog.workspace)
        if not catalog.demo_scenario:
            self.demo_problem = "the catalog says demo = true but has no demo_scenario to serve"
            scenario = None
        else:
            scenario = workspace / catalog.demo_scenario
        self._session = DemoSession(scenario, now=self.now) if scenario is not None else None
        if self._session is not None and self._catalog_dir != self.source_dir:
            self._session.scratch_root = self._catalog_dir.parent

    def persist(self) -> None:
        """Keep what `load` parsed for the next start (after the TUI's first frame)."""
        if self._to_cache is not None:
            from atlas.services import cache as startup_cache

            catalog, problems, folders = self._to_cache
            startup_cache.store(self.source_dir, catalog, problems, self.env, order=self.load().order,
                                folders=folders)
            self._to_cache = None

    # ---- where the clients go ----------------------------------------------------------------

    def env_for(self, *parts: str) -> dict[str, str]:
        """The environment for clients of `parts` ("gcp", "github"): in demo mode with the
        emulators' endpoints, started now if they are not running. Raises DemoError."""
        self.load()
        if not self.demo:
            return dict(self.env)
        if self._session is None:
            raise DemoError(self.demo_problem)
        return {**self.env, **self._session.endpoints(parts, self.env)}

    def start(self, parts: Iterable[str] = ("gcp", "github")) -> None:
        """Demo: start the emulators for `parts` now (the TUI, after its first frame)."""
        if self.demo:
            self.env_for(*parts)

    @property
    def demo_notes(self) -> list[str]:
        return list(self._session.notes) if self._session is not None else []

    # ---- readers -----------------------------------------------------------------------------

    def health(self) -> "HealthService":
        with self._lock:
            if self._health is None:
                from atlas.health.clients import make_clients
                from atlas.health.service import HealthService
                from atlas.kubeflow.reader import make_reader

                self._health = HealthService(self.catalog, now=self.now,
                                             client_factory=lambda: make_clients(self.env_for("gcp")),
                                             kubeflow_factory=lambda: make_reader(self.catalog, self.env_for("kubeflow")))
            return self._health

    def refresh_health(self) -> Any:
        """Poll every signal once; a `HealthSnapshot`."""
        return self.health().refresh()

    def recent_errors(self, component_id: str, limit: int = 50) -> list[Any]:
        return list(self.health().recent_errors(component_id, limit=limit))

    def kubeflow_runs(self, component_id: str, limit: int = 10) -> list[tuple]:
        """[(component, deployment, RecurringRun or None, display name, [PipelineRun] newest
        first)] for a recurring run or a pipeline's recurring runs, from the health service's
        Kubeflow reader (its cached lists). Raises RunsLookupError (not a Kubeflow component)
        or KubeflowError (the API could not be read): one line each."""
        from atlas.kubeflow.report import targets

        wanted = targets(self.catalog, component_id)
        reader = self.health().kubeflow
        now = self.now()
        out = []
        for comp, deployment, name in wanted:
            rr, runs = reader.runs_of(deployment, name, now, limit)
            out.append((comp, deployment, rr, name, runs))
        return out

    def recent_runs(self, component_id: str, limit: int = 7) -> list[Any]:
        """The newest runs of a kubeflow_recurring_run component (the component screen)."""
        return self.kubeflow_runs(component_id, limit)[0][4]

    def triage(self, snapshot: Any, watch: Any = None) -> list[Any]:
        """Triage of a health snapshot; `watch` (a WatchReport) adds failing experiments as
        probable causes of their serving component's symptoms when the onsets line up."""
        from atlas.health.triage import triage

        extra = ()
        if watch is not None:
            from atlas.watch.causes import experiment_causes

            extra = experiment_causes(watch)
        return list(triage(self.catalog, self.graph, snapshot, extra_causes=extra))

    def with_evidence(self, items: list[Any], now: float | None = None) -> list[Any]:
        """The triage ranked again once each cause's evidence is read: what changed before
        its onset (GitHub; without a forge every cause says why in `changes_note`,
        `services.changes`) and its deploys (Cloud Logging, `health.deploys`), then whether
        its own logs burst into errors at its onset, for the first causes of that ranking
        (Cloud Logging, `health.onset_errors`). Nothing raises for any of them: a read that
        failed is "unknown" on its cause."""
        from atlas.health.changes import attach_changes
        from atlas.health.triage import rank_causes, ranking_key
        from atlas.services.changes import change_reader

        now = self.now() if now is None else now
        if not any(getattr(i, "role", "") == "cause" for i in items):
            return rank_causes(items, now, ranking_key(self.graph))
        key = ranking_key(self.graph)
        attach_changes(items, change_reader(self), now)
        ranked = rank_causes(items, now, key)
        self.deploys().attach(ranked, now)  # a deploy is a change: it ranks too
        ranked = rank_causes(ranked, now, key)
        self.onset_errors().attach(ranked, now)  # shown, not weighed (triage.ERRORS_POINT)
        return rank_causes(ranked, now, key)

    def deploys(self) -> "DeployReader":
        """The session's reader of deploys before each cause's onset (Cloud Logging)."""
        with self._lock:
            if self._deploys is None:
                from atlas.health.deploys import DeployReader

                self._deploys = DeployReader(self.catalog, lambda: self.health().clients)
            return self._deploys

    def onset_errors(self) -> "OnsetErrorReader":
        """The session's reader of errors at onset (it keeps the verdicts whose window closed)."""
        with self._lock:
            if self._onset_errors is None:
                from atlas.health.onset_errors import OnsetErrorReader

                self._onset_errors = OnsetErrorReader(self.catalog, lambda: self.health().clients)
            return self._onset_errors

    def watch(self, experiment_id: str | None = None) -> Any:
        """`atlas experiment watch`: every running experiment's checks (a WatchReport),
        read on the health service's Cloud Monitoring client."""
        from atlas.watch.service import watch

        return watch(self.experiments(), lambda: self.health().clients, now=self.now, only=experiment_id)

    def forge(self) -> Any:
        """The GitHub forge (PyGithub), built once. Raises ForgeError without a token and
        DemoError when the demo's emulator cannot start."""
        with self._lock:
            if self._forge is None:
                from atlas.experiments.forge import open_forge

                self._forge = open_forge(env=self.env_for("github"))
            return self._forge

    def experiments(self, reload: bool = False) -> "ExperimentWorkspace":
        """Templates, repos and manifests of this catalog (manifests are re-read on every
        call of its methods; `reload` re-reads the templates too)."""
        with self._lock:
            if self._experiments is None or reload:
                from atlas.experiments.workspace import ExperimentWorkspace

                self._experiments = ExperimentWorkspace.from_catalog(self.catalog, self.catalog_dir)
            return self._experiments

    def issues(self, component_ids: Iterable[str] | None = None) -> "IssueReport":
        """Open GitHub issues per component (the handover plan's inputs). A demo that cannot
        serve GitHub is one line in the report's errors, never an exception."""
        from atlas.handover.issues import IssueReport, fetch_issues

        try:
            env = self.env_for("github")
        except DemoError as exc:
            return IssueReport(errors=[f"{exc}: GitHub issues skipped"])
        if self.demo and not env.get("GITHUB_API_URL"):
            why = "; ".join(self.demo_notes) or "no GitHub emulator in the demo scenario"
            return IssueReport(errors=[why])
        return fetch_issues(self.catalog, component_ids, env=env)

    def unowned_resources(self) -> tuple[list[tuple[str, str]], list[str]]:
        """Live Pub/Sub topics and subscriptions that no component declares (discovery's
        drift), as (resource, why) for the handover plan's actions, and one note per project
        whose listing failed (unknown, never "nothing unowned"). Reads live GCP."""
        from atlas.discovery import live
        from atlas.discovery.drift import find_drift
        from atlas.discovery.model import Findings
        from atlas.discovery.run import fold_dead_letters
        from atlas.health.clients import make_retry

        findings = Findings()
        clients = live.make_pubsub(self.env_for("gcp"))
        try:
            live.discover_pubsub(clients, sorted(self.catalog.projects), findings, retry=make_retry())
        finally:
            clients.close()
        fold_dead_letters(findings)  # a dead-letter topic belongs to the subscription it serves
        unowned = [(d.component, d.message) for d in find_drift(findings, self.catalog) if d.kind == "unowned"]
        return unowned, list(findings.notes)

    def person(self) -> str | None:
        """The catalog person this user is: $ATLAS_USER, else $USER, when it names one."""
        from atlas.handover.knowledge import person_from_env

        return person_from_env(self.catalog.people, self.env)

    def mark_learned(self, component_id: str, person_id: str, level: str) -> Any:
        """Record knowledge in the catalog file (tomlkit; the in-memory catalog follows)."""
        from atlas.handover.knowledge import mark_learned

        with self._lock:
            return mark_learned(self.catalog, component_id, person_id, level)

    def discovery_proposals(self) -> tuple["Catalog", Any]:
        """(the catalog as on disk now, discovery's Proposals): the catalog's [[repo]]
        entries read through the forge (issue 15). The catalog is re-read each time, so a
        proposal just accepted or rejected is gone. Blocks: call from a worker."""
        from atlas.catalog.loader import load_catalog
        from atlas.discovery.compare import compare
        from atlas.discovery.files import read_forge
        from atlas.discovery.run import discover_repos

        catalog = load_catalog(self.catalog_dir).catalog
        forge = self.forge()
        repos = [read_forge(forge, r.github, name=r.id) for r in sorted(catalog.repos.values(), key=lambda r: r.id)]
        return catalog, compare(discover_repos(repos, now=self.now()), catalog)

    def interrupt(self) -> None:
        """End the readers' calls in flight (their channels close: CANCELLED at once), so a
        front end can quit while a poll waits on a slow endpoint. The next read builds new
        clients."""
        with self._lock:
            health, self._health = self._health, None
        if health is not None:
            health.close()

    def close(self) -> None:
        """Stop what this process started (health channels, demo emulators, the scratch
        copy). Safe to call twice, and from any thread."""
        with self._lock:
            health, self._health = self._health, None
            session, self._session = self._session, None
        if health is not None:
            health.close()
        if session is not None:
            session.close()

    def __enter__(self) -> "Services":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

