"""Everything the experiment commands (and the TUI wizard) need from one catalog: the
validated templates, the repos, the manifests, the journal and a forge. One entry point so
the CLI and the UI load experiments the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from atlas.catalog.model import Catalog, Repo
from atlas.experiments.errors import ExperimentError, ManifestError
from atlas.experiments.journal import Journal, journal_path
from atlas.experiments.manifest import Manifest, find_manifest, list_manifests, load_manifest
from atlas.experiments.template import Template
from atlas.experiments.template_parse import parse_templates

TEMPLATES_FILE = "experiment-templates.toml"


@dataclass
class ExperimentWorkspace:
    catalog_root: Path
    workspace: Path
    templates: dict[str, Template] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)
    template_errors: list[str] = field(default_factory=list)
    # who may own an experiment: the catalog's teams and people (lint and plan check it)
    teams: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()

    @classmethod
    def load(cls, catalog_dir: str | Path) -> "ExperimentWorkspace":
        """Load the catalog and build the workspace (use `from_catalog` when it is loaded)."""
        from atlas.catalog.loader import load_catalog

        root = Path(catalog_dir)
        if not root.is_dir():
            raise ExperimentError(f"{root}: no such catalog directory")
        return cls.from_catalog(load_catalog(root).catalog, root)

    @classmethod
    def from_catalog(cls, catalog: Catalog, catalog_dir: str | Path) -> "ExperimentWorkspace":
        root = Path(catalog_dir)
        default_source = root / TEMPLATES_FILE
        templates, errors = parse_templates(
            catalog.experiment_templates, default_source if default_source.exists() else None
        )
        return cls(
            catalog_root=root,
            workspace=root.parent,
            templates=templates,
            repos=dict(catalog.repos),
            template_errors=errors,
            teams=frozenset(catalog.teams),
            people=frozenset(catalog.people),
        )

    def manifest_path(self, ref: str) -> Path:
        return find_manifest(self.catalog_root, ref)

    def load_manifest(self, ref: str) -> Manifest:
        """The manifest, checked against the templates and the catalog's owners (the same
        rules `atlas lint` applies), or ManifestError."""
        if self.template_errors:
            raise ManifestError(self.template_errors)
        manifest = load_manifest(self.manifest_path(ref), self.templates)
        owners = self.teams | self.people
        if owners and manifest.owner and manifest.owner not in owners:
            from atlas.catalog.validate import did_you_mean

            hint = did_you_mean(manifest.owner, sorted(owners))
            raise ManifestError([f"{manifest.path}: experiment {manifest.id}: owner: {manifest.owner!r} is not a "
                                 f"team or person of the catalog" + (f" ({hint})" if hint else "")])
        return manifest

    def template_for(self, manifest: Manifest) -> Template:
        return self.templates[manifest.template]

    def manifests(self) -> tuple[list[Manifest], list[str]]:
        """Every manifest that loads, and one line per manifest that does not."""
        good, bad = [], []
        for path in list_manifests(self.catalog_root):
            try:
                good.append(load_manifest(path, self.templates))
            except ManifestError as exc:
                bad.extend(exc.problems)
        return good, bad

    def active_others(self, experiment_id: str) -> list[tuple[Manifest, Template]]:
        """The other active experiments (open, partially-merged, merged), for plan's refusal of
        a second experiment on the same entry or traffic."""
        from atlas.experiments.manifest import ACTIVE_STATES

        manifests, _bad = self.manifests()
        return [(m, self.templates[m.template]) for m in manifests
                if m.id != experiment_id and m.state in ACTIVE_STATES]

    def journal(self, experiment_id: str) -> Journal:
        return Journal.load(journal_path(self.workspace, experiment_id), experiment_id)
