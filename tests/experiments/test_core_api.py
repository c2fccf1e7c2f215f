"""The core the TUI wizard builds on: production values beside each field, a headless
import, and progress reported step by step."""

from __future__ import annotations

from atlas.experiments.apply import apply_experiment
from atlas.experiments.production import production_values
from atlas.experiments.workspace import ExperimentWorkspace

from .conftest import make_forge


def test_production_values_come_from_the_control_variant(templates, repos, reader):
    values = production_values(templates["ranker"], repos, reader)
    assert values == {
        "learning_rate": 0.05, "num_layers": 3, "embedding_dim": 64, "train_steps": 20000,
        "variant": "control", "alias": "control", "feature_set": "base_v12",
    }


def test_apply_reports_progress_per_repo_and_step(emulator, catalog_dir):
    ws = ExperimentWorkspace.load(catalog_dir)
    m = ws.load_manifest("exp-ranker-dwell-v2")
    seen = []
    result = apply_experiment(m, ws.templates["ranker"], ws.repos, make_forge(emulator), ws.journal(m.id), seen.append)
    done = [(p.repo, p.step) for p in seen if p.status == "done"]
    assert done[:3] == [("data-pipelines", "branch"), ("training", "branch"), ("serving", "branch")]
    assert ("serving", "labels") in done
    assert list(result.prs) == ["data-pipelines", "training", "serving"]
