"""Turn checked raw tables into model entities, and catch what needs the whole catalog:
duplicate ids, a second [atlas] table, defaults that come from another entity."""

from __future__ import annotations

from pathlib import Path

from atlas.catalog.fields import EntitySpec
from atlas.catalog.model import (
    Catalog,
    Component,
    Handover,
    LogFilterTemplate,
    Person,
    Project,
    Repo,
    SignalTemplate,
    System,
    Team,
)
from atlas.catalog.validate import Checker


def _tuple(raw: dict, key: str) -> tuple[str, ...]:
    v = raw.get(key)
    return tuple(v) if v else ()


def make_team(raw: dict, source: Path) -> Team:
    return Team(raw["id"], raw.get("name", ""), raw.get("chat", ""), raw.get("oncall", ""),
                raw.get("new_owner", True), source)


def make_person(raw: dict, source: Path) -> Person:
    return Person(raw["id"], raw.get("name", ""), raw.get("team", ""), raw.get("email", ""),
                  raw.get("chat", ""), source)


def make_project(raw: dict, source: Path) -> Project:
    return Project(raw["id"], raw.get("region", ""), raw.get("description", ""), source)


def make_repo(raw: dict, source: Path) -> Repo:
    github = raw.get("github", "")
    url = raw.get("url") or (f"https://github.com/{github}" if github else "")
    return Repo(raw["id"], github, raw.get("default_branch", "main"), url, source)


def make_system(raw: dict, source: Path) -> System:
    return System(raw["id"], raw.get("name", ""), raw.get("owner", ""), raw.get("project", ""),
                  raw.get("order", 0), raw.get("description", ""), source)


def make_handover(raw: dict) -> Handover:
    return Handover(raw.get("previous_owner", ""), raw.get("stage", "planned"), raw.get("support_until"),
                    raw.get("contact", ""), dict(raw.get("knowledge") or {}))


def make_component(raw: dict, source: Path) -> Component:
    signals = raw.get("signals")
    handover = raw.get("handover")
    return Component(
        id=raw["id"],
        kind=raw.get("kind", ""),
        system=raw.get("system", ""),
        owner=raw.get("owner", ""),
        depends_on=_tuple(raw, "depends_on"),
        runbook=raw.get("runbook") or None,
        repo=raw.get("repo", ""),
        project=raw.get("project", ""),
        description=raw.get("description", ""),
        tier=raw.get("tier", 2),
        schedule=raw.get("schedule", ""),
        mode=raw.get("mode", ""),
        tags=_tuple(raw, "tags"),
        signals=tuple(signals) if signals is not None else None,
        labels=raw.get("labels") or {},
        signal_overrides=raw.get("signal_overrides") or {},
        links=raw.get("links") or {},
        handover=make_handover(handover) if handover is not None else None,
        log_resource=raw.get("log_resource", ""),
        source=source,
    )


def make_signal(raw: dict, source: Path) -> SignalTemplate:
    return SignalTemplate(
        id=raw["id"],
        name=raw.get("name") or raw["id"],
        kinds=_tuple(raw, "kinds"),
        type=raw.get("type", "metric"),
        modes=_tuple(raw, "modes"),
        metric_type=raw.get("metric_type", ""),
        resource_type=raw.get("resource_type", ""),
        resource_labels=_tuple(raw, "resource_labels"),
        metric_labels=raw.get("metric_labels") or {},
        aligner=raw.get("aligner", "ALIGN_MAX"),
        reducer=raw.get("reducer", "REDUCE_MAX"),
        alignment_period=raw.get("alignment_period", 60),
        window=raw.get("window", 900),
        unit=raw.get("unit", ""),
        direction=raw.get("direction", "above"),
        warn=raw.get("warn"),
        crit=raw.get("crit"),
        stale_after=raw.get("stale_after"),
        ratio_label=raw.get("ratio_label", ""),
        ratio_bad=_tuple(raw, "ratio_bad"),
        ratio_bad_mode=raw.get("ratio_bad_mode", "exclude"),
        log_filter=raw.get("log_filter", ""),
        description=raw.get("description", ""),
        on_absent=raw.get("on_absent", "no_data"),
        source=source,
    )


# table -> (Catalog attribute, constructor)
_MAKERS = {
    "team": ("teams", make_team),
    "person": ("people", make_person),
    "project": ("projects", make_project),
    "repo": ("repos", make_repo),
    "system": ("systems", make_system),
    "component": ("components", make_component),
    "signal": ("signals", make_signal),
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

    def add(self, spec: EntitySpec, raw: dict, source: Path, entity: str) -> None:
        table = spec.table
        if table == "atlas":
            self._add_atlas(raw, source)
            return
        if table == "log_filter":
            if "kinds" in raw and "filter" in raw:
                self.catalog.log_filters.append(
                    LogFilterTemplate(tuple(raw["kinds"]), raw["filter"], _tuple(raw, "modes"), source))
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
            attr, make = _MAKERS[table]
            store = getattr(self.catalog, attr)
            value = make(raw, source)
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
        c.name = raw.get("name", "")
        c.description = raw.get("description", "")
        c.demo = raw.get("demo", False)
        c.default_project = raw.get("default_project", "")
        c.demo_scenario = raw.get("demo_scenario", "")

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
        }

    def _rel(self, path: Path | None) -> str:
        if path is None:
            return "?"
        try:
            return str(path.relative_to(self.catalog.workspace))
        except ValueError:
            return str(path)
