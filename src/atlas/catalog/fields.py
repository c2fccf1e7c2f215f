"""The catalog format as data.

One table of fields per entity drives both the loader's checks (validate.py) and the
published JSON Schema (schema.py), so the two can never disagree about what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.catalog.model import KINDS, KNOWLEDGE_LEVELS, SIGNAL_TYPES, STAGES

# Value types a field can have (the JSON Schema generator maps each one).
STRING = "string"
INTEGER = "integer"
NUMBER = "number"  # int or float
BOOLEAN = "boolean"
DATE = "date"  # a TOML local date (2027-02-28, no quotes)
STRINGS = "strings"  # array of strings
STRING_MAP = "string-map"  # table of key -> string
TABLE = "table"  # a sub-table with its own fields
TABLE_MAP = "table-map"  # table of key -> sub-table with its own fields

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
# owner/name; neither half may be "." or ".." (it becomes part of API URLs: /repos/OWNER/NAME)
GITHUB_PATTERN = r"^(?!\.\.?/)[A-Za-z0-9_.-]+/(?!\.\.?$)[A-Za-z0-9_.-]+$"
ALIGNER_PATTERN = r"^ALIGN_[A-Z0-9_]+$"
REDUCER_PATTERN = r"^REDUCE_[A-Z0-9_]+$"

MODES: tuple[str, ...] = ("streaming", "batch", "dead_letter", "cloud_run", "gke")
DIRECTIONS: tuple[str, ...] = ("above", "below")
RATIO_BAD_MODES: tuple[str, ...] = ("exclude", "include")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    doc: str = ""
    required: bool = False
    ref: str = ""  # the entity table a value (or each list item) must name
    key_ref: str = ""  # for maps: the entity table each key must name
    enum: tuple[str, ...] = ()  # allowed strings (for STRINGS: allowed items; for maps: values)
    pattern: str = ""
    minimum: float | None = None
    maximum: float | None = None
    fields: tuple["Field", ...] = ()  # TABLE / TABLE_MAP: nested fields


@dataclass(frozen=True, slots=True)
class EntitySpec:
    table: str  # the TOML array name: [[component]]
    doc: str
    fields: tuple[Field, ...]
    many: bool = True  # array of tables; False = one plain table ([atlas])
    open: bool = False  # unknown keys allowed (owned by another area's format)

    def field(self, name: str) -> Field | None:
        return _FIELD_INDEX[self.table].get(name)


_ID = Field("id", STRING, "Unique id: lowercase letters, digits, '_', '.', '-'", required=True, pattern=ID_PATTERN)

ATLAS = EntitySpec(
    "atlas",
    "Catalog-wide settings (exactly one file has this table)",
    (
        Field("name", STRING, "Product name shown in the TUI header"),
        Field("description", STRING),
        Field("demo", BOOLEAN, "This catalog is the bundled sample: use the embedded emulators"),
        Field("default_project", STRING, "Fallback GCP project for components", ref="project"),
        Field("demo_scenario", STRING, "Workspace-relative scenario file for the emulators"),
    ),
    many=False,
)

TEAM = EntitySpec(
    "team",
    "A team that owns systems and components",
    (
        _ID,
        Field("name", STRING),
        Field("chat", STRING, "Chat channel, e.g. #recs-data-eng"),
        Field("oncall", STRING, "On-call reference (schedule id or URL)"),
        Field("new_owner", BOOLEAN, "Part of the team taking over (default true)"),
    ),
)

PERSON = EntitySpec(
    "person",
    "A person, member of a team",
    (
        _ID,
        Field("name", STRING),
        Field("team", STRING, "Team id", ref="team"),
        Field("email", STRING),
        Field("chat", STRING),
    ),
)

PROJECT = EntitySpec(
    "project",
    "A Google Cloud project",
    (
        _ID,
        Field("region", STRING),
        Field("description", STRING),
    ),
)

REPO = EntitySpec(
    "repo",
    "A GitHub repository",
    (
        _ID,
        Field("github", STRING, "owner/name on GitHub", required=True, pattern=GITHUB_PATTERN),
        Field("default_branch", STRING),
        Field("url", STRING, "Derived from github when missing"),
    ),
)

SYSTEM = EntitySpec(
    "system",
    "A group of components (data pipelines, training, serving)",
    (
        _ID,
        Field("name", STRING),
        Field("owner", STRING, "Team id", ref="team"),
        Field("project", STRING, "Default GCP project of its components", ref="project"),
        Field("order", INTEGER, "Data-flow order: tour order"),
        Field("description", STRING),
    ),
)

HANDOVER_FIELDS = (
    Field("previous_owner", STRING, "A team id or the free-text name of the old team"),
    Field("stage", STRING, "Where the transfer stands", enum=STAGES),
    Field("support_until", DATE, "The previous team helps until then (TOML date)"),
    Field("contact", STRING, "Person on the previous team to ask", ref="person"),
    Field("knowledge", STRING_MAP, "Person id -> knowledge level", key_ref="person", enum=KNOWLEDGE_LEVELS),
)

SIGNAL_OVERRIDE_FIELDS = (
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

COMPONENT = EntitySpec(
    "component",
    "One deployable or data asset of the product",
    (
        _ID,
        Field("kind", STRING, "What it is", required=True, enum=KINDS),
        Field("system", STRING, "System id", ref="system"),
        Field("owner", STRING, "Owning team id", ref="team"),
        Field("depends_on", STRINGS, "Upstream component ids", ref="component"),
        Field("runbook", STRING, "Workspace-relative path of its runbook"),
        Field("repo", STRING, "Repo id", ref="repo"),
        Field("project", STRING, "GCP project id (defaults to the system's)", ref="project"),
        Field("description", STRING),
        Field("tier", INTEGER, "Criticality 1 (highest) .. 3", minimum=1, maximum=3),
        Field("schedule", STRING, "Cron schedule of batch jobs, DAGs and recurring runs"),
        Field("mode", STRING, "Kind-specific variant", enum=MODES),
        Field("tags", STRINGS),
        Field("signals", STRINGS, "Explicit signal ids (default: by kind)", ref="signal"),
        Field("labels", STRING_MAP, "Values for the signal templates' placeholders"),
        Field("signal_overrides", TABLE_MAP, "Per-signal changes", key_ref="signal", fields=SIGNAL_OVERRIDE_FIELDS),
        Field("links", STRING_MAP, "Named URLs shown in the TUI"),
        Field("handover", TABLE, "Ownership transfer state", fields=HANDOVER_FIELDS),
        Field("log_resource", STRING, "Where its logs live: a project id or projects/P/locations/L/buckets/B/views/V"),
    ),
)

SIGNAL = EntitySpec(
    "signal",
    "A health signal template, declared once per kind",
    (
        _ID,
        Field("name", STRING, "Short human name"),
        Field("kinds", STRINGS, "Component kinds it applies to", required=True, enum=KINDS),
        Field("modes", STRINGS, "Only components with one of these modes", enum=MODES),
        Field("type", STRING, enum=SIGNAL_TYPES),
        Field("metric_type", STRING, "Cloud Monitoring metric type"),
        Field("resource_type", STRING, "Monitored resource type"),
        Field("resource_labels", STRINGS, "Component labels that select its series"),
        Field("metric_labels", STRING_MAP, "Fixed metric.labels.KEY = value terms"),
        Field("aligner", STRING, pattern=ALIGNER_PATTERN),
        Field("reducer", STRING, pattern=REDUCER_PATTERN),
        Field("alignment_period", INTEGER, "Seconds", minimum=1),
        Field("window", INTEGER, "Seconds to look back", minimum=1),
        Field("unit", STRING),
        Field("direction", STRING, enum=DIRECTIONS),
        Field("warn", NUMBER),
        Field("crit", NUMBER),
        Field("stale_after", INTEGER, "Seconds; default 2 * window", minimum=1),
        Field("ratio_label", STRING, "type = ratio: the label that splits good from bad"),
        Field("ratio_bad", STRINGS, "type = ratio: the label values that are bad (or good)"),
        Field("ratio_bad_mode", STRING, enum=RATIO_BAD_MODES),
        Field("log_filter", STRING, "Cloud Logging filter (placeholders allowed)"),
        Field("description", STRING),
        Field("on_absent", STRING, "A series that stops reporting reads as", enum=("no_data", "warn", "crit", "zero")),
    ),
)

LOG_FILTER = EntitySpec(
    "log_filter",
    "The Cloud Logging filter template of a kind",
    (
        Field("kinds", STRINGS, required=True, enum=KINDS),
        Field("modes", STRINGS, enum=MODES),
        Field("filter", STRING, required=True),
    ),
)

EXPERIMENT_TEMPLATE = EntitySpec(
    "experiment_template",
    "An experiment template (format owned by the experiment wizard)",
    (_ID,),
    open=True,
)

REJECTED_PROPOSAL = EntitySpec(
    "rejected_proposal",
    "A discovery proposal a person rejected: `atlas discover` never proposes it again",
    (
        Field("component", STRING, "The proposed component (or the edge's downstream)", required=True),
        Field("depends_on", STRING, "For an edge: the upstream the component would depend on"),
        Field("reason", STRING),
        Field("evidence", STRING, "What discovery had found"),
        Field("rejected_on", DATE),
    ),
)

SPECS: tuple[EntitySpec, ...] = (ATLAS, TEAM, PERSON, PROJECT, REPO, SYSTEM, COMPONENT, SIGNAL, LOG_FILTER, EXPERIMENT_TEMPLATE,
                                 REJECTED_PROPOSAL)
SPEC_BY_TABLE: dict[str, EntitySpec] = {s.table: s for s in SPECS}

_FIELD_INDEX: dict[str, dict[str, Field]] = {s.table: {f.name: f for f in s.fields} for s in SPECS}


def field_index(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.name: f for f in fields}
