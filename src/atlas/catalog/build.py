"""Turn checked raw tables into model entities, and catch what needs the whole catalog:
duplicate ids, a second [atlas] table, defaults that come from another entity.

Entities are built by keyword from the field tables (fields.py): a key the file sets is
passed on (arrays become tuples, a sub-table its model), a key it leaves out gets the
model's default. The few rules that are not a plain default are written out below."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlas.catalog.fields import SPEC_BY_TABLE, STRING, STRINGS, TABLE, EntitySpec, Field
from atlas.catalog.model import Catalog, Repo, SignalTemplate
from atlas.catalog.validate import Checker


@dataclass(frozen=True, slots=True)
class _Plan:
    model: type
    known: frozenset[str]  # the keys the model takes from a file
    tuples: tuple[str, ...]  # arrays, kept as tuples
    nested: tuple[tuple[str, "_Plan"], ...]  # sub-tables that become a model of their own
    blanks: dict[str, Any]  # model fields without a default -> the value when the file had none
    sourced: bool  # the model records the file it came from (a sub-table's does not)


def _plan(model: type, fields: tuple[Field, ...]) -> _Plan:
    rules = {f.name: f for f in fields}
    # A required key that was missing or bad (reported, and dropped by the checks) must
    # still leave a buildable entity: an empty value of its type.
    blank = {STRING: "", STRINGS: ()}
    blanks = {
        f.name: blank[rules[f.name].type]
        for f in dataclasses.fields(model)
        if f.name in rules and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    return _Plan(
        model,
        frozenset(rules),
        tuple(f.name for f in fields if f.type == STRINGS),
        tuple((f.name, _plan(f.model, f.fields)) for f in fields if f.type == TABLE and f.model is not None),
        blanks,
        any(f.name == "source" for f in dataclasses.fields(model)),
    )


def _build(plan: _Plan, raw: dict, source: Path | None = None) -> Any:
    # Whole-dict operations rather than a loop over keys: this runs 10,000 times a load.
    kwargs = {**plan.blanks, **raw}
    if not kwargs.keys() <= plan.known:
        for key in kwargs.keys() - plan.known:
            del kwargs[key]  # an unknown key: warned about, not part of the model
    for key in plan.tuples:
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    for key, sub in plan.nested:
        if key in kwargs:
            kwargs[key] = _build(sub, kwargs[key])
    if plan.sourced:
        kwargs["source"] = source
    return plan.model(**kwargs)


# table -> build plan, for every entity that becomes a model object
_PLANS = {t: _plan(s.model, s.fields) for t, s in SPEC_BY_TABLE.items() if s.model is not None and s.many}


def make(table: str, raw: dict, source: Path | None) -> Any:
    """The model entity of one checked [[table]] entry."""
    entity = _build(_PLANS[table], raw, source=source)
    if table == "component":
        if not entity.runbook:
            entity.runbook = None  # runbook = "" says "none" too
    elif table == "signal":
        signal: SignalTemplate = entity
        signal.name = signal.name or signal.id
    elif table == "repo":
        repo: Repo = entity
        if not repo.url and repo.github:
            repo.url = f"https://github.com/{repo.github}"
    return entity


# table -> Catalog attribute
_STORES = {
    "team": "teams",
    "person": "people",
    "project": "projects",
    "repo": "repos",
    "system": "systems",
    "component": "components",
    "signal": "signals",
    "kubeflow": "kubeflow",
}

# What each signal type needs besides its thresholds.
_SIGNAL_NEEDS = {
    "metric": (("metric_type",), "a metric signal needs metric_type"),
    "ratio": (("metric_type", "ratio_label"), "a ratio signal needs metric_type and ratio_label"),
    "log": (("log_filter",), "a log signal needs log_filter"),
}


class CatalogBuilder:
    def __init__(self, catalog: Catalog, checker: Checker) -> None:
        self.catalog = catalog
        self.checker = checker
        self._atlas_file: Path | None = None
        self._template_sources: dict[str, Path] = {}
        self._atlas_keys = {f.name for f in SPEC_BY_TABLE["atlas"].fields}

    def add(self, spec: EntitySpec, raw: dict, source: Path, entity: str) -> None:
        table = spec.table
        if table == "atlas":
            self._add_atlas(raw, source)
            return
        if table == "log_filter":
            if "kinds" in raw and "filter" in raw:
                self.catalog.log_filters.append(make(table, raw, source))
            return
        if table == "rejected_proposal":
            self.catalog.rejected_proposals.append(dict(raw))
            return
        eid = raw.get("id")
        if type(eid) is not str:
            return  # already reported as missing or wrong type
        if table == "experiment_template":
            store: dict = self.catalog.experiment_templates
            value: object = raw
        else:
            store = getattr(self.catalog, _STORES[table])
            value = make(table, raw, source)
        previous = store.get(eid)
        if previous is not None:
            other = previous.source if hasattr(previous, "source") else self._template_sources.get(eid)
            self.checker.error("duplicate-id", f'duplicate {table} id "{eid}": also defined in {self._rel(other)}',
                               source, entity, "id")
            return
        if table == "experiment_template":
            self._template_sources[eid] = source
        if table == "signal":
            self._check_signal(raw, source, entity)
        store[eid] = value

    def _add_atlas(self, raw: dict, source: Path) -> None:
        if self._atlas_file is not None:
            self.checker.error("duplicate-atlas", f"[atlas] is also defined in {self._rel(self._atlas_file)}: "
                               "exactly one file may have it", source, "atlas")
            return
        self._atlas_file = source
        c = self.catalog
        settings = self._atlas_keys
        for key, value in raw.items():
            if key in settings:
                setattr(c, key, value)

    def _check_signal(self, raw: dict, source: Path, entity: str) -> None:
        stype = raw.get("type", "metric")
        if stype == "freshness":
            if not raw.get("metric_type") and not raw.get("log_filter"):
                self.checker.error("missing-field", "a freshness signal needs metric_type or log_filter",
                                   source, entity, "metric_type")
            return
        needs = _SIGNAL_NEEDS.get(stype)
        if needs is None:
            return
        keys, message = needs
        missing = [k for k in keys if not raw.get(k)]
        if missing:
            self.checker.error("missing-field", message, source, entity, missing[0])

    def finish(self) -> None:
        """Defaults that come from other entities: a component's project from its system."""
        c = self.catalog
        systems = c.systems
        default_project = c.default_project
        for comp in c.components.values():
            if not comp.project:
                system = systems.get(comp.system)
                comp.project = (system.project if system is not None else "") or default_project

    def known_ids(self) -> dict[str, dict]:
        c = self.catalog
        return {
            "team": c.teams,
            "person": c.people,
            "project": c.projects,
            "repo": c.repos,
            "system": c.systems,
            "component": c.components,
            "signal": c.signals,
            "kubeflow": c.kubeflow,
        }

    def _rel(self, path: Path | None) -> str:
        if path is None:
            return "?"
        try:
            return str(path.relative_to(self.catalog.workspace))
        except ValueError:
            return str(path)
