"""The apply journal: `.atlas/journal/<id>.json` in the workspace, rewritten atomically
before and after every step that changes GitHub. A killed or failed run leaves a record of
exactly what it started, so a re-run resumes and `--rollback` removes only what atlas made.
Nothing secret goes in: every text passes through `scrub`."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from atlas.experiments.token import scrub
from atlas.fsutil import atomic_write_text


def journal_path(workspace: Path, experiment_id: str) -> Path:
    return Path(workspace) / ".atlas" / "journal" / f"{experiment_id}.json"


def _set_aside(path: Path) -> Path | None:
    aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}")
    try:
        path.rename(aside)
    except OSError:
        return None
    return aside


@dataclass
class Journal:
    path: Path
    experiment: str
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, experiment: str) -> "Journal":
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
            except (OSError, ValueError):
                # unreadable journal: start over (GitHub's state is reconciled anyway), but keep
                # the old one beside it for a person to read: nothing is lost
                data = {}
                _set_aside(path)
        data.setdefault("experiment", experiment)
        data.setdefault("plan", {})
        data.setdefault("run", {})
        data.setdefault("repos", {})
        data.setdefault("steps", [])
        return cls(path, experiment, data)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def save(self) -> None:
        atomic_write_text(self.path, scrub(json.dumps(self.data, indent=2, sort_keys=True)) + "\n")

    # ------------------------------------------------------------------ plan and run

    @property
    def planned_bases(self) -> dict[str, str]:
        return dict(self.data["plan"].get("bases", {}))

    def record_plan(self, bases: dict[str, str]) -> None:
        self.data["plan"] = {"bases": dict(bases), "at": time.time()}
        self.save()

    def start_run(self) -> None:
        self.data["run"] = {"status": "running", "started_at": time.time()}
        self.save()

    def finish_run(self, status: str, error: str = "") -> None:
        self.data["run"].update({"status": status, "finished_at": time.time()})
        if error:
            self.data["run"]["error"] = scrub(error)
        else:
            self.data["run"].pop("error", None)
        self.save()

    @property
    def run_status(self) -> str:
        return str(self.data["run"].get("status", ""))

    # ------------------------------------------------------------------ per repo

    def repo(self, repo_id: str) -> dict[str, Any]:
        return self.data["repos"].setdefault(repo_id, {})

    def update(self, repo_id: str, **values: Any) -> None:
        """Note facts about a repo (base, commit, PR). Saved with the next step record or at
        the end of the run: re-runs reconcile with GitHub, so no extra fsync is needed here."""
        self.repo(repo_id).update(values)

    def started(self, repo_id: str, step: str) -> bool:
        """Whether any run ever began `step` in this repo (done or not)."""
        return any(s["repo"] == repo_id and s["step"] == step for s in self.data["steps"])

    @contextmanager
    def step(self, repo_id: str, step: str, detail: str = "") -> Iterator[None]:
        """Record a step as started before it runs and done (or failed) after it."""
        record = {"repo": repo_id, "step": step, "status": "started", "at": time.time()}
        if detail:
            record["detail"] = scrub(detail)
        self.data["steps"].append(record)
        self.save()
        try:
            yield
        except BaseException as exc:
            record["status"] = "failed"
            record["error"] = scrub(str(exc))[:300]
            self.save()
            raise
        record["status"] = "done"
        self.save()
