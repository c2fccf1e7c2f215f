"""The catalog's entities, as plain immutable-ish dataclasses.

This module is the contract between the loader and every consumer (graph, health,
experiments, handover, TUI, CLI). It does no I/O and imports nothing heavy.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

# Component kinds the format knows. Order is not meaningful.
KINDS: tuple[str, ...] = (
    "pubsub_topic",
    "pubsub_subscription",
    "dataflow_job",
    "composer_environment",
    "composer_dag",
    "bigquery_dataset",
    "bigquery_scheduled_query",
    "dataproc_job",
    "gcs_bucket",
    "feature_online_store",
    "feature_view",
    "gke_cluster",
    "kubeflow_pipeline",
    "kubeflow_recurring_run",
    "pipeline_component",
    "model",
    "grpc_service",
    "envoy_gateway",
    "redis_instance",
    "k8s_cronjob",
)

# Handover vocabulary, weakest to strongest.
STAGES: tuple[str, ...] = ("planned", "shadowing", "reverse-shadowing", "owned")
KNOWLEDGE_LEVELS: tuple[str, ...] = ("heard-of", "can-operate", "can-debug", "expert")

SIGNAL_TYPES: tuple[str, ...] = ("metric", "ratio", "log", "freshness")


@dataclass(slots=True)
class Team:
    id: str
    name: str = ""
    chat: str = ""
    oncall: str = ""
    new_owner: bool = True
    source: Path | None = None


@dataclass(slots=True)
class Person:
    id: str
    name: str = ""
    team: str = ""
    email: str = ""
    chat: str = ""
    source: Path | None = None


@dataclass(slots=True)
class Project:
    id: str
    region: str = ""
    description: str = ""
    source: Path | None = None


@dataclass(slots=True)
class Repo:
    id: str
    github: str  # owner/name
    default_branch: str = "main"
    url: str = ""
    source: Path | None = None


@dataclass(slots=True)
class System:
    id: str
    name: str = ""
    owner: str = ""
    project: str = ""
    order: int = 0
    description: str = ""
    source: Path | None = None


@dataclass(slots=True)
class Handover:
    previous_owner: str = ""
    stage: str = "planned"
    support_until: _dt.date | None = None
    contact: str = ""
    # person id -> knowledge level (one of KNOWLEDGE_LEVELS)
    knowledge: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class SignalTemplate:
    id: str
    name: str
    kinds: tuple[str, ...]
    type: str = "metric"
    modes: tuple[str, ...] = ()
    metric_type: str = ""
    resource_type: str = ""
    resource_labels: tuple[str, ...] = ()
    metric_labels: dict[str, str] = field(default_factory=dict)
    aligner: str = "ALIGN_MAX"
    reducer: str = "REDUCE_MAX"
    alignment_period: int = 60
    window: int = 900
    unit: str = ""
    direction: str = "above"
    warn: float | None = None
    crit: float | None = None
    stale_after: int | None = None
    ratio_label: str = ""
    ratio_bad: tuple[str, ...] = ()
    ratio_bad_mode: str = "exclude"
    log_filter: str = ""
    description: str = ""
    on_absent: str = "no_data"  # what a series that stops reporting means: no_data | warn | crit | zero
    source: Path | None = None


@dataclass(slots=True)
class LogFilterTemplate:
    kinds: tuple[str, ...]
    filter: str
    modes: tuple[str, ...] = ()
    source: Path | None = None


@dataclass(slots=True)
class Component:
    id: str
    kind: str
    system: str = ""
    owner: str = ""
    depends_on: tuple[str, ...] = ()
    runbook: str | None = None
    repo: str = ""
    project: str = ""  # resolved: the component's own or its system's
    description: str = ""
    tier: int = 2
    schedule: str = ""
    mode: str = ""
    tags: tuple[str, ...] = ()
    signals: tuple[str, ...] | None = None  # explicit list, or None = by kind
    labels: dict[str, str] = field(default_factory=dict)
    signal_overrides: dict[str, dict] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    handover: Handover | None = None
    log_resource: str = ""  # where its logs live: a project id or a log bucket view (Logging resource_names)
    source: Path | None = None


@dataclass(slots=True)
class Catalog:
    """Everything loaded from one catalog directory."""

    root: Path  # the catalog directory
    workspace: Path  # the folder holding catalog/ and runbooks/
    name: str = ""
    description: str = ""
    demo: bool = False
    default_project: str = ""
    demo_scenario: str = ""  # workspace-relative scenario for the embedded emulators
    components: dict[str, Component] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)
    signals: dict[str, SignalTemplate] = field(default_factory=dict)
    log_filters: list[LogFilterTemplate] = field(default_factory=list)
    # Raw tables for later issues' entities (experiment templates), keyed by id.
    experiment_templates: dict[str, dict] = field(default_factory=dict)
    # Discovery proposals a person rejected ([[rejected_proposal]]: component, depends_on).
    rejected_proposals: list[dict] = field(default_factory=list)

    def runbook_path(self, component: Component) -> Path | None:
        if not component.runbook:
            return None
        return self.workspace / component.runbook

    def signals_for(self, component: Component) -> list[SignalTemplate]:
        """The signal templates that apply to a component (explicit list or by kind/mode)."""
        if component.signals is not None:
            return [self.signals[s] for s in component.signals if s in self.signals]
        return [
            s
            for s in self.signals.values()
            if component.kind in s.kinds and (not s.modes or component.mode in s.modes)
        ]

    def log_filter_for(self, component: Component) -> str:
        """The component's Cloud Logging filter, placeholders filled; '' when none applies."""
        for tpl in self.log_filters:
            if component.kind in tpl.kinds and (not tpl.modes or component.mode in tpl.modes):
                return fill_placeholders(tpl.filter, component)
        return ""


def placeholder_values(component: Component) -> dict[str, str]:
    values = dict(component.labels)
    values.setdefault("id", component.id)
    values.setdefault("project", component.project)
    return values


def fill_placeholders(text: str, component: Component) -> str:
    """Replace {name} with the component's label values; unknown names are left as-is."""
    values = placeholder_values(component)
    out = []
    i = 0
    while i < len(text):
        j = text.find("{", i)
        if j < 0:
            out.append(text[i:])
            break
        k = text.find("}", j)
        if k < 0:
            out.append(text[i:])
            break
        key = text[j + 1 : k]
        out.append(text[i:j])
        out.append(values.get(key, text[j : k + 1]))
        i = k + 1
    return "".join(out)
