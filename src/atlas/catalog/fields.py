"""The catalog format as data: one table of fields per entity.

The tables are collected from the model (model.py declares each field once, with
`entry()`); they drive the loader's checks (validate.py), the builder (build.py) and the
published JSON Schema (schema.py), so none of them can disagree about what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.catalog.fieldtypes import (  # noqa: F401 - the format's vocabulary, re-exported
    ALIGNER_PATTERN,
    BOOLEAN,
    DATE,
    DIRECTIONS,
    GITHUB_PATTERN,
    ID_DOC,
    ID_PATTERN,
    INTEGER,
    MODES,
    NUMBER,
    RATIO_BAD_MODES,
    REDUCER_PATTERN,
    STRING,
    STRING_MAP,
    STRINGS,
    TABLE,
    TABLE_MAP,
    Field,
    table_fields,
)
from atlas.catalog.model import (
    SIGNAL_OVERRIDE_FIELDS,
    Catalog,
    Component,
    Handover,
    KubeflowDeployment,
    LogFilterTemplate,
    Person,
    Project,
    Repo,
    SignalTemplate,
    System,
    Team,
)


@dataclass(frozen=True, slots=True)
class EntitySpec:
    table: str  # the TOML array name: [[component]]
    doc: str
    fields: tuple[Field, ...]
    many: bool = True  # array of tables; False = one plain table ([atlas])
    open: bool = False  # unknown keys allowed (owned by another area's format)
    model: type | None = None  # the dataclass a table becomes (None: kept raw)

    def field(self, name: str) -> Field | None:
        return _FIELD_INDEX[self.table].get(name)


def _spec(table: str, doc: str, model: type, **kw) -> EntitySpec:
    return EntitySpec(table, doc, table_fields(model), model=model, **kw)


ATLAS = _spec("atlas", "Catalog-wide settings (exactly one file has this table)", Catalog, many=False)
TEAM = _spec("team", "A team that owns systems and components", Team)
PERSON = _spec("person", "A person, member of a team", Person)
PROJECT = _spec("project", "A Google Cloud project", Project)
REPO = _spec("repo", "A GitHub repository", Repo)
SYSTEM = _spec("system", "A group of components (data pipelines, training, serving)", System)
COMPONENT = _spec("component", "One deployable or data asset of the product", Component)
SIGNAL = _spec("signal", "A health signal template, declared once per kind", SignalTemplate)
LOG_FILTER = _spec("log_filter", "The Cloud Logging filter template of a kind", LogFilterTemplate)
KUBEFLOW = _spec("kubeflow", "A Kubeflow Pipelines deployment whose recurring runs atlas reads", KubeflowDeployment)
EXPERIMENT_TEMPLATE = EntitySpec(
    "experiment_template",
    "An experiment template (format owned by the experiment wizard)",
    (Field("id", STRING, ID_DOC, required=True, pattern=ID_PATTERN),),
    open=True,
)

HANDOVER_FIELDS = table_fields(Handover)

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

SPECS: tuple[EntitySpec, ...] = (ATLAS, TEAM, PERSON, PROJECT, REPO, SYSTEM, COMPONENT, SIGNAL, LOG_FILTER, KUBEFLOW,
                                 EXPERIMENT_TEMPLATE, REJECTED_PROPOSAL)
SPEC_BY_TABLE: dict[str, EntitySpec] = {s.table: s for s in SPECS}

_FIELD_INDEX: dict[str, dict[str, Field]] = {s.table: {f.name: f for f in s.fields} for s in SPECS}

__all__ = ["SIGNAL_OVERRIDE_FIELDS", "HANDOVER_FIELDS", "SPECS", "SPEC_BY_TABLE", "EntitySpec", "Field"]


def field_index(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.name: f for f in fields}
