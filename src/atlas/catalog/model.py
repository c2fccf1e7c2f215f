"""The catalog's entities, as plain immutable-ish dataclasses.

This module is the contract between the loader and every consumer (graph, health,
experiments, handover, TUI, CLI). It does no I/O and imports nothing heavy.

Each field that a catalog file may set is declared here once, with `entry()`: its type and
default are the model's, its format rules (type in the file, doc, reference, allowed
values) feed validation, the JSON Schema and the builder (see fieldtypes.py, fields.py).
Fields declared without `entry()` are not part of the file format.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from atlas.catalog.fieldtypes import (
    ALIGNER_PATTERN,
    BOOLEAN,
    DATE,
    DIRECTIONS,
    GITHUB_PATTERN,
    INTEGER,
    KINDS,
    KNOWLEDGE_LEVELS,
    MODES,
    NUMBER,
    RATIO_BAD_MODES,
    REDUCER_PATTERN,
    SIGNAL_TYPES,
    STAGES,
    STRING,
    STRING_MAP,
    STRINGS,
    TABLE,
    TABLE_MAP,
    Field,
    entry,
    identity,
)

# KINDS, STAGES, KNOWLEDGE_LEVELS and SIGNAL_TYPES are imported from here by the other areas.


@dataclass(slots=True)
class Team:
    id: str = identity()
    name: str = entry(STRING, default="")
    chat: str = entry(STRING, "Chat channel, e.g. #recs-data-eng", default="")
    oncall: str = entry(STRING, "On-call reference (schedule id or URL)", default="")
    new_owner: bool = entry(BOOLEAN, "Part of the team taking over (default true)", default=True)
    source: Path | None = None


@dataclass(slots=True)
class Person:
    id: str = identity()
    name: str = entry(STRING, default="")
    team: str = entry(STRING, "Team id", default="", ref="team")
    email: str = entry(STRING, default="")
    chat: str = entry(STRING, default="")
    source: Path | None = None


@dataclass(slots=True)
class Project:
    id: str = identity()
    region: str = entry(STRING, default="")
    description: str = entry(STRING, default="")
    source: Path | None = None


@dataclass(slots=True)
class Repo:
    id: str = identity()
    github: str = entry(STRING, "owner/name on GitHub", required=True, pattern=GITHUB_PATTERN)
    default_branch: str = entry(STRING, default="main")
    url: str = entry(STRING, "Derived from github when missing", default="")
    source: Path | None = None


@dataclass(slots=True)
class System:
    id: str = identity()
    name: str = entry(STRING, default="")
    owner: str = entry(STRING, "Team id", default="", ref="team")
    project: str = entry(STRING, "Default GCP project of its components", default="", ref="project")
    order: int = entry(INTEGER, "Data-flow order: tour order", default=0)
    description: str = entry(STRING, default="")
    source: Path | None = None


@dataclass(slots=True)
class KubeflowDeployment:
    """Where one Kubeflow Pipelines API is and how to sign in (never the token itself);
    components name it in labels.kubeflow. KF_PIPELINES_ENDPOINT overrides every kfp host,
    ATLAS_VERTEX_ENDPOINT every vertex one."""

    id: str = identity()
    kind: str = entry(STRING, "kfp (self-hosted, v2beta1 REST) or vertex (Vertex AI Pipelines)", default="kfp",
                      enum=("kfp", "vertex"))
    host: str = entry(STRING, "kfp: API base URL, e.g. https://kfp.example.com", default="")
    namespace: str = entry(STRING, "kfp: profile namespace (empty in single-user mode)", default="")
    auth: str = entry(STRING, "iap: Google ID token from ADC; bearer: token from token_env; adc; none",
                      default="none", enum=("none", "iap", "bearer", "adc"))
    audience: str = entry(STRING, "iap: the IAP OAuth client id", default="")
    token_env: str = entry(STRING, "bearer: name of the environment variable holding the token", default="")
    project: str = entry(STRING, "vertex: GCP project", default="", ref="project")
    region: str = entry(STRING, "vertex: region, e.g. us-central1", default="")
    source: Path | None = None


@dataclass(slots=True)
class Handover:
    previous_owner: str = entry(STRING, "A team id or the free-text name of the old team", default="")
    stage: str = entry(STRING, "Where the transfer stands", default="planned", enum=STAGES)
    support_until: _dt.date | None = entry(DATE, "The previous team helps until then (TOML date)", default=None)
    contact: str = entry(STRING, "Person on the previous team to ask", default="", ref="person")
    # person id -> knowledge level (one of KNOWLEDGE_LEVELS)
    knowledge: dict[str, str] = entry(STRING_MAP, "Person id -> knowledge level", default_factory=dict,
                                      key_ref="person", enum=KNOWLEDGE_LEVELS)


@dataclass(slots=True)
class SignalTemplate:
    id: str = identity()
    name: str = entry(STRING, "Short human name")  # the loader defaults it to the id
    kinds: tuple[str, ...] = entry(STRINGS, "Component kinds it applies to", required=True, enum=KINDS)
    modes: tuple[str, ...] = entry(STRINGS, "Only components with one of these modes", default=(), enum=MODES)
    type: str = entry(STRING, default="metric", enum=SIGNAL_TYPES)
    metric_type: str = entry(STRING, "Cloud Monitoring metric type", default="")
    resource_type: str = entry(STRING, "Monitored resource type", default="")
    resource_labels: tuple[str, ...] = entry(STRINGS, "Component labels that select its series", default=())
    metric_labels: dict[str, str] = entry(STRING_MAP, "Fixed metric.labels.KEY = value terms", default_factory=dict)
    aligner: str = entry(STRING, default="ALIGN_MAX", pattern=ALIGNER_PATTERN)
    reducer: str = entry(STRING, default="REDUCE_MAX", pattern=REDUCER_PATTERN)
    alignment_period: int = entry(INTEGER, "Seconds", default=60, minimum=1)
    window: int = entry(INTEGER, "Seconds to look back", default=900, minimum=1)
    unit: str = entry(STRING, default="")
    direction: str = entry(STRING, default="above", enum=DIRECTIONS)
    warn: float | None = entry(NUMBER, default=None)
    crit: float | None = entry(NUMBER, default=None)
    stale_after: int | None = entry(INTEGER, "Seconds; default 2 * window", default=None, minimum=1)
    ratio_label: str = entry(STRING, "type = ratio: the label that splits good from bad", default="")
    ratio_bad: tuple[str, ...] = entry(STRINGS, "type = ratio: the label values that are bad (or good)", default=())
    ratio_bad_mode: str = entry(STRING, default="exclude", enum=RATIO_BAD_MODES)
    log_filter: str = entry(STRING, "Cloud Logging filter (placeholders allowed)", default="")
    description: str = entry(STRING, default="")
    # what a series that stops reporting means (zero: a failure counter whose silence is no failures)
    on_absent: str = entry(STRING, "A series that stops reporting reads as", default="no_data",
                           enum=("no_data", "warn", "crit", "zero"))
    source: Path | None = None


@dataclass(slots=True)
class LogFilterTemplate:
    kinds: tuple[str, ...] = entry(STRINGS, required=True, enum=KINDS)
    filter: str = entry(STRING, required=True)
    modes: tuple[str, ...] = entry(STRINGS, default=(), enum=MODES)
    deploys: str = entry(STRING, "Cloud Logging filter of this kind's deploys (a GKE rollout, a new Cloud Run "
                         "revision): what triage lists as changed before an onset", default="")
    source: Path | None = None


# A component's per-signal changes stay plain tables (health applies them to a template),
# so their fields have no model class: this is their one declaration.
SIGNAL_OVERRIDE_FIELDS: tuple[Field, ...] = (
    Field("warn", NUMBER),
    Field("crit", NUMBER),
    Field("metric_type", STRING),
    Field("resource_type", STRING),
    Field("metric_labels", STRING_MAP),
    Field("aligner", STRING, pattern=ALIGNER_PATTERN),
    Field("reducer", STRING, pattern=REDUCER_PATTERN),
    Field("alignment_period", INTEGER, minimum=1),
    Field("window", INTEGER, minimum=1),
    Field("stale_after", INTEGER, minimum=1),
    Field("direction", STRING, enum=DIRECTIONS),
    Field("log_filter", STRING),
)


@dataclass(slots=True)
class Component:
    id: str = identity()
    kind: str = entry(STRING, "What it is", required=True, enum=KINDS)
    system: str = entry(STRING, "System id", default="", ref="system")
    owner: str = entry(STRING, "Owning team id", default="", ref="team")
    depends_on: tuple[str, ...] = entry(STRINGS, "Upstream component ids", default=(), ref="component")
    runbook: str | None = entry(STRING, "Workspace-relative path of its runbook", default=None)
    repo: str = entry(STRING, "Repo id", default="", ref="repo")
    code_path: str = entry(STRING, "Folder of its code inside the repo (triage lists only PRs touching it)",
                           default="")
    # resolved by the loader: the component's own, else its system's, else the catalog's default
    project: str = entry(STRING, "GCP project id (defaults to the system's)", default="", ref="project")
    description: str = entry(STRING, default="")
    tier: int = entry(INTEGER, "Criticality 1 (highest) .. 3", default=2, minimum=1, maximum=3)
    schedule: str = entry(STRING, "Cron schedule of batch jobs, DAGs and recurring runs", default="")
    mode: str = entry(STRING, "Kind-specific variant", default="", enum=MODES)
    tags: tuple[str, ...] = entry(STRINGS, default=())
    # explicit list, or None = by kind
    signals: tuple[str, ...] | None = entry(STRINGS, "Explicit signal ids (default: by kind)", default=None,
                                            ref="signal")
    labels: dict[str, str] = entry(STRING_MAP, "Values for the signal templates' placeholders", default_factory=dict)
    signal_overrides: dict[str, dict] = entry(TABLE_MAP, "Per-signal changes", default_factory=dict,
                                              key_ref="signal", fields=SIGNAL_OVERRIDE_FIELDS)
    links: dict[str, str] = entry(STRING_MAP, "Named URLs shown in the TUI", default_factory=dict)
    handover: Handover | None = entry(TABLE, "Ownership transfer state", default=None, model=Handover)
    log_resource: str = entry(STRING, "Where its logs live: a project id or projects/P/locations/L/buckets/B/views/V",
                              default="")
    source: Path | None = None


@dataclass(slots=True)
class Catalog:
    """Everything loaded from one catalog directory."""

    root: Path  # the catalog directory
    workspace: Path  # the folder holding catalog/ and runbooks/
    # the [atlas] table
    name: str = entry(STRING, "Product name shown in the TUI header", default="")
    description: str = entry(STRING, default="")
    demo: bool = entry(BOOLEAN, "This catalog is the bundled sample: use the embedded emulators", default=False)
    default_project: str = entry(STRING, "Fallback GCP project for components", default="", ref="project")
    demo_scenario: str = entry(STRING, "Workspace-relative scenario file for the emulators", default="")
    components: dict[str, Component] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)
    signals: dict[str, SignalTemplate] = field(default_factory=dict)
    log_filters: list[LogFilterTemplate] = field(default_factory=list)
    kubeflow: dict[str, KubeflowDeployment] = field(default_factory=dict)
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

    def deploy_filter_for(self, component: Component) -> str:
        """The Cloud Logging filter of the component's deploys, placeholders filled; '' when
        its kind's [[log_filter]] declares none (the first template that applies decides)."""
        for tpl in self.log_filters:
            if component.kind in tpl.kinds and (not tpl.modes or component.mode in tpl.modes):
                return fill_placeholders(tpl.deploys, component) if tpl.deploys else ""
        return ""


def placeholder_values(component: Component) -> dict[str, str]:
    values = dict(component.labels)
    values.setdefault("id", component.id)
    values.setdefault("project", component.project)
    return values


PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]+)\}")


def unfilled_placeholders(text: str) -> list[str]:
    """The {name}s a filled text still has: labels the component lacks (a query with one
    matches nothing, so it is not an answer)."""
    return sorted(set(PLACEHOLDER.findall(text))) if "{" in text else []


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
