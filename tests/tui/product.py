"""A small product built in code for the TUI tests, and the services that serve it.

`ScriptedServices` is the real `atlas.services.Services` (the TUI's one injection point)
over a catalog built in code, with scripted health snapshots (or failures) and fixed log
lines in place of the Google readers; triage, handover and experiments are the real ones.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from atlas.catalog.model import Catalog, Component, Handover, Person, Repo, SignalTemplate, System, Team
from atlas.health.logs import LogLine
from atlas.health.model import ComponentHealth, SignalStatus, Status
from atlas.services import Services

NOW = 1_790_000_000.0  # frozen clock: 2026-09-21 14:13:20 UTC


@dataclass
class Snapshot:
    """What HealthService.refresh() returns, as far as the TUI reads it."""

    components: dict[str, ComponentHealth]
    systems: dict[str, Status] = field(default_factory=dict)
    taken_at: float = NOW
    errors: list[str] = field(default_factory=list)
    calls: int = 3


def build_catalog(workspace: Path, extra: int = 0) -> Catalog:
    """Two systems, eight components; `extra` adds that many OK pipeline steps for scale."""
    catalog = Catalog(root=workspace / "catalog", workspace=workspace, name="shopfront")
    catalog.systems = {
        "ingest": System("ingest", "Ingest", owner="data-eng", project="shop-data", order=1),
        "serving": System("serving", "Serving", owner="serving", project="shop-serving", order=2),
    }
    catalog.teams = {
        "data-eng": Team("data-eng", "Data Engineering", chat="#data-eng", oncall="pagerduty:PD-DATA"),
        "serving": Team("serving", "Serving Platform", chat="#serving", oncall="pagerduty:PD-SERVE"),
        "science": Team("science", "Ranking Science", chat="#science", oncall=""),
    }
    catalog.people = {"lena": Person("lena", "Lena Berg", team="old-core", chat="@lena")}
    catalog.repos = {"serving": Repo("serving", "shop/serving", url="https://github.com/shop/serving")}
    catalog.signals = {
        "lag": SignalTemplate("lag", "system lag", kinds=("dataflow_job",), unit="s", warn=60, crit=300),
        "grpc-errors": SignalTemplate("grpc-errors", "error ratio", kinds=("grpc_service",), type="ratio",
                                      unit="%", warn=1, crit=5),
    }

    def add(cid, kind, system, owner, deps=(), **kw):
        project = catalog.systems[system].project
        catalog.components[cid] = Component(cid, kind, system=system, owner=owner, depends_on=tuple(deps),
                                            project=project, **kw)

    add("events-topic", "pubsub_topic", "ingest", "data-eng", description="Click events from the web shop")
    add("sessionizer", "dataflow_job", "ingest", "data-eng", ["events-topic"], mode="streaming",
        runbook="runbooks/sessionizer.md", description="Streaming job that sessionises clicks")
    add("features", "bigquery_dataset", "ingest", "data-eng", ["sessionizer"])
    add("ranker-model", "model", "serving", "science", ["features"])
    add("feature-cache", "redis_instance", "serving", "serving", ["features"])
    add("ranker-svc", "grpc_service", "serving", "science", ["ranker-model", "feature-cache"],
        runbook="runbooks/ranker-svc.md", repo="serving", tier=1,
        description="Scores candidates with the ranker model",
        handover=Handover(previous_owner="old-core", stage="shadowing",
                          support_until=dt.date(2027, 2, 28), contact="lena", knowledge={"lena": "expert"}))
    add("recs-api", "grpc_service", "serving", "serving", ["ranker-svc"])
    add("explain-svc", "grpc_service", "serving", "science", ["ranker-model"])
    previous = "events-topic"
    for i in range(extra):
        cid = f"step-{i:05d}"
        add(cid, "dataflow_job", "ingest", "data-eng", [previous] if i % 50 else ["events-topic"])
        previous = cid
    (workspace / "runbooks").mkdir(parents=True, exist_ok=True)
    (workspace / "runbooks" / "ranker-svc.md").write_text(
        "# ranker-svc runbook\n\n## Serving old predictions\n\n1. Check `ranker-model` freshness.\n"
        "2. Roll back with `kubectl rollout undo deploy/ranker-svc`.\n",
        encoding="utf-8",
    )
    return catalog


def _signal(cid, name, status, value, unit, warn, crit, reason):
    points = [(NOW - 60 * (9 - i), value * (0.5 + i / 18)) for i in range(10)]
    return SignalStatus(cid, name, status, reason, value=value, unit=unit, observed_at=NOW - 60,
                        points=points, warn=warn, crit=crit)


def incident(catalog: Catalog, taken_at: float = NOW) -> Snapshot:
    """The sessionizer broke first; features, ranker-model and ranker-svc suffer below it."""
    bad = {
        "sessionizer": (Status.CRIT, "system lag 412 s > crit 300 s"),
        "features": (Status.STALE, "no new rows for 47 min"),
        "ranker-svc": (Status.WARN, "error ratio 2.1 % > warn 1 %"),
        "feature-cache": (Status.NO_DATA, "no points in the last 15 min"),
    }
    components = {}
    for cid in catalog.components:
        status, reason = bad.get(cid, (Status.OK, "all signals OK"))
        signals = []
        if cid == "sessionizer":
            signals = [_signal(cid, "lag", status, 412, "s", 60, 300, reason)]
        elif cid == "ranker-svc":
            signals = [_signal(cid, "grpc-errors", status, 2.1, "%", 1, 5, reason)]
        components[cid] = ComponentHealth(cid, status, reason, signals, since=ONSET.get(cid))
    return Snapshot(components, taken_at=taken_at)


# When the incident's statuses began (epoch s); ranker-svc's onset is unknown on purpose.
ONSET = {"sessionizer": NOW - 3 * 3600, "features": NOW - 40 * 60, "feature-cache": NOW - 15 * 60}


def all_ok(catalog: Catalog, taken_at: float = NOW) -> Snapshot:
    return Snapshot({cid: ComponentHealth(cid, Status.OK, "all signals OK") for cid in catalog.components},
                    taken_at=taken_at)


def tui_env(workspace: Path) -> dict[str, str]:
    """The environment the app sees in tests: a home of its own (no keymap file there; the
    help shows it as ~/.config/atlas/keymap.toml on every machine), no start-up cache, and
    GitHub at a closed loopback port (never the internet)."""
    return {
        "HOME": str(workspace / "home"),
        "ATLAS_CACHE_DIR": "off",
        "GITHUB_API_URL": "http://127.0.0.1:9/api/v3",
    }


class ScriptedServices(Services):
    """Services with fixed health: each refresh takes the next scripted result (a snapshot,
    or an exception to raise); the last one repeats."""

    def __init__(self, catalog: Catalog, results=None, errors=None, demo: bool = False, env=None,
                 logging: str = ""):
        super().__init__(catalog.root, catalog=catalog, demo=demo, now=lambda: NOW,
                         env=tui_env(catalog.workspace) if env is None else env)
        self.logging = logging  # a GCP emulator's address: errors at onset are read from it
        self.results = list(results if results is not None else [incident(catalog)])
        self.errors = errors if errors is not None else [
            LogLine(NOW - 120, "ERROR", "deadline exceeded calling ranker-model: 2.0 s"),
            LogLine(NOW - 60, "CRITICAL", "model version 41 is 3 days old"),
        ]
        self.demo = demo
        self.refreshes = 0
        self.started = self.stopped = False
        self.gate: threading.Event | None = None  # set to hold refreshes until released

    def start(self, parts=()) -> None:
        self.started = True

    def refresh_health(self):
        if self.gate is not None:
            self.gate.wait(5)
        result = self.results[min(self.refreshes, len(self.results) - 1)]
        self.refreshes += 1
        if isinstance(result, BaseException):
            raise result
        return result

    def recent_errors(self, component_id: str, limit: int = 50):
        return list(self.errors)

    def onset_errors(self):
        """The real reader, on the real Logging client to `logging` (or none: then every
        cause says why), never Google's credential lookup."""
        if self._onset_errors is None:
            from atlas.health.clients import Clients, make_clients
            from atlas.health.onset_errors import OnsetErrorReader

            clients = (make_clients({"LOGGING_EMULATOR_HOST": self.logging}, monitoring=False) if self.logging
                       else Clients(logging_problem="no Cloud Logging in this test"))
            self._onset_errors = OnsetErrorReader(self.catalog, lambda: clients)
        return self._onset_errors

    def close(self) -> None:
        self.stopped = True
        super().close()
