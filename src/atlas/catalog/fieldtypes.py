"""The vocabulary of the catalog format, and `entry()`: how one field is declared, once.

A model dataclass field written as `tier: int = entry(INTEGER, "Criticality", default=2,
minimum=1, maximum=3)` is the only declaration of that field: its Python type and default
make the model, its format rules (carried in the dataclass field's metadata) make the
field table that validation (validate.py), the JSON Schema (schema.py) and the builder
(build.py) read. fields.py collects those tables per entity.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

# Value types a field can have (the JSON Schema generator maps each one).
STRING = "string"
INTEGER = "integer"
NUMBER = "number"  # int or float
BOOLEAN = "boolean"
DATE = "date"  # a TOML local date (2027-02-28, no quotes)
STRINGS = "strings"  # array of strings (a tuple in the model)
STRING_MAP = "string-map"  # table of key -> string
TABLE = "table"  # a sub-table with its own fields (a nested model dataclass)
TABLE_MAP = "table-map"  # table of key -> sub-table with its own fields

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
# owner/name; neither half may be "." or ".." (it becomes part of API URLs: /repos/OWNER/NAME)
GITHUB_PATTERN = r"^(?!\.\.?/)[A-Za-z0-9_.-]+/(?!\.\.?$)[A-Za-z0-9_.-]+$"
ALIGNER_PATTERN = r"^ALIGN_[A-Z0-9_]+$"
REDUCER_PATTERN = r"^REDUCE_[A-Z0-9_]+$"

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

SIGNAL_TYPES: tuple[str, ...] = ("metric", "ratio", "log", "freshness",
                                  # read from the Kubeflow Pipelines / Vertex AI Pipelines API
                                  "pipeline_run", "pipeline_schedule", "pipeline_duration", "pipeline_task",
                                  "pipeline_push")
MODES: tuple[str, ...] = ("streaming", "batch", "dead_letter", "cloud_run", "gke")
DIRECTIONS: tuple[str, ...] = ("above", "below")
RATIO_BAD_MODES: tuple[str, ...] = ("exclude", "include")

RULES = "atlas.field"  # the dataclass field metadata key that holds a Field


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
    model: type | None = None  # TABLE: the dataclass a sub-table becomes


def entry(type_: str, doc: str = "", *, default: Any = dataclasses.MISSING,
          default_factory: Any = dataclasses.MISSING, required: bool = False, ref: str = "",
          key_ref: str = "", enum: tuple[str, ...] = (), pattern: str = "", minimum: float | None = None,
          maximum: float | None = None, fields: tuple[Field, ...] = (), model: type | None = None) -> Any:
    """A dataclass field that is also a catalog field (its name is the attribute's)."""
    rule = Field("", type_, doc, required, ref, key_ref, enum, pattern, minimum, maximum, fields, model)
    return dataclasses.field(default=default, default_factory=default_factory, metadata={RULES: rule})


def table_fields(cls: type) -> tuple[Field, ...]:
    """The catalog fields a model dataclass declares, in declaration order."""
    out = []
    for f in dataclasses.fields(cls):
        rule = f.metadata.get(RULES)
        if rule is None:
            continue  # not part of the file format (source, resolved links...)
        nested = table_fields(rule.model) if rule.model is not None else rule.fields
        out.append(dataclasses.replace(rule, name=f.name, fields=nested))
    return tuple(out)


ID_DOC = "Unique id: lowercase letters, digits, '_', '.', '-'"


def identity() -> Any:
    """The `id` of an entity: required, and a pattern that keeps it usable in paths and URLs."""
    return entry(STRING, ID_DOC, required=True, pattern=ID_PATTERN)
