"""Problems found in a catalog: every one names its file, entity and field, and a fix."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _real(path: Path) -> Path:
    # os.path.realpath, unlike Path.resolve() on Python 3.11, does not raise RuntimeError
    # for a loop of symlinks: a looping catalog file is still named in its problem line
    return Path(os.path.realpath(path))


@dataclass(slots=True, frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    code: str  # stable machine id, e.g. "unknown-reference", "cycle", "toml-syntax"
    message: str  # one sentence for a person
    file: Path | None = None
    entity: str = ""  # "component clickstream-raw-df", "team data-eng"
    field: str = ""  # "owner", "depends_on[1]"
    hint: str = ""  # "did you mean ml-platform?"
    line: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self, relative_to: Path | None = None) -> str:
        parts = []
        if self.file is not None:
            f = self.file
            if relative_to is not None:
                try:
                    f = _real(self.file).relative_to(_real(relative_to))
                except ValueError:
                    pass
            parts.append(f"{f}:{self.line}" if self.line else str(f))
        if self.entity:
            parts.append(self.entity)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)

    def format(self, relative_to: Path | None = None) -> str:
        loc = self.location(relative_to)
        text = f"{self.severity}: {loc}: {self.message}" if loc else f"{self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_json(self, relative_to: Path | None = None) -> dict:
        file = None
        if self.file is not None:
            file = str(self.file)
            if relative_to is not None:
                try:
                    file = str(_real(self.file).relative_to(_real(relative_to)))
                except ValueError:
                    pass
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": file,
            "line": self.line,
            "entity": self.entity,
            "field": self.field,
            "hint": self.hint,
        }
