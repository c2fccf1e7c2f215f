"""The experiments core as the TUI uses it: one object over the app's `Services`.

Every method blocks (files, GitHub): the screens call them from thread workers only. The
catalog, the experiment workspace and the forge all come from the services (in demo mode
the forge reaches the embedded GitHub emulator, started on first use).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from atlas.experiments.manifest import Manifest, list_manifests, parse_manifest, write_new_manifest
from atlas.experiments.workspace import ExperimentWorkspace
from atlas.fsutil import atomic_write_text
from atlas.tui.wizard.draft import WizardDraft

if TYPE_CHECKING:
    from atlas.services import Services


def error_line(error: BaseException) -> str:
    """A failure as one readable line. The core's errors are already one line and token-free;
    the limit is wider than the header's because a manifest's problems come joined in one."""
    text = " ".join((str(error) or type(error).__name__).split())
    return text if len(text) <= 300 else text[:299] + "…"


class ExperimentsBackend:
    def __init__(self, services: "Services") -> None:
        self.services = services
        self._owners: list[tuple[str, str]] | None = None

    @property
    def catalog_dir(self) -> Path:
        return self.services.catalog_dir

    # ---- the catalog side: no network ---------------------------------------------------

    def workspace(self, reload: bool = False) -> ExperimentWorkspace:
        return self.services.experiments(reload=reload)

    def manifests(self) -> tuple[list[Manifest], list[str]]:
        """Every manifest on disk (re-read each time: apply and the CLI change them)."""
        return self.workspace().manifests()

    def taken_ids(self) -> set[str]:
        return {p.stem for p in list_manifests(self.catalog_dir)}

    def owners(self) -> list[tuple[str, str]]:
        """(label, id) for every team, then every person: who may own an experiment."""
        if self._owners is None:
            catalog = self.services.catalog
            teams = [(f"{t.id}  ({t.name})" if t.name else t.id, t.id) for t in catalog.teams.values()]
            people = [
                (f"{p.id}  ({p.name}{', ' + p.team if p.team else ''})", p.id) for p in catalog.people.values()
            ]
            self._owners = teams + people
        return self._owners

    def load_manifest(self, experiment_id: str) -> Manifest:
        return self.workspace().load_manifest(experiment_id)

    def write_draft(self, draft: WizardDraft) -> Manifest:
        """Write the wizard's manifest (state draft) and return it parsed. A manifest this
        wizard wrote before (the person went back and changed a field) is rewritten; any
        other existing file is refused."""
        import tomllib

        ws = self.workspace()
        path = ws.manifest_path(draft.experiment_id)
        text = draft.manifest_text()
        manifest = parse_manifest(tomllib.loads(text), ws.templates, path)  # refuse a bad one
        if draft.written is not None and draft.written == path and path.exists():
            atomic_write_text(path, text)
        else:
            write_new_manifest(path, text)
            if draft.written is not None and draft.written != path and draft.written.exists():
                draft.written.unlink()  # the id changed since: drop the file written under the old one
        draft.written = path
        return manifest

    # ---- the GitHub side ------------------------------------------------------------------

    def forge(self) -> Any:
        return self.services.forge()

    def production_values(self, template_id: str) -> dict[str, Any]:
        from atlas.experiments.production import production_values

        ws = self.workspace()
        return production_values(ws.templates[template_id], ws.repos, self.forge())

    def plan(self, manifest: Manifest) -> Any:
        from atlas.experiments.plan import make_plan

        ws = self.workspace()
        return make_plan(manifest, ws.template_for(manifest), ws.repos, self.forge(),
                         others=ws.active_others(manifest.id))

    def status(self, manifest: Manifest, details: bool = False) -> Any:
        from atlas.experiments.lifecycle import set_status

        ws = self.workspace()
        return set_status(manifest, ws.template_for(manifest), self.forge(), details=details)

    def apply(self, experiment_id: str, progress: Callable[[Any], None]) -> Any:
        from atlas.experiments.apply import apply_experiment

        ws = self.workspace()
        manifest = ws.load_manifest(experiment_id)
        return apply_experiment(
            manifest, ws.template_for(manifest), ws.repos, self.forge(), ws.journal(manifest.id), progress=progress,
            others=ws.active_others(manifest.id),
        )
