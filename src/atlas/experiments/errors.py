"""Errors of the experiments core: every one is a single line a person can act on."""

from __future__ import annotations


class ExperimentError(Exception):
    """A problem with an experiment, its template or its manifest (one clear line)."""


class ManifestError(ExperimentError):
    """A manifest that cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if self.problems else "invalid manifest")


class EditError(ExperimentError):
    """A target file that does not have the shape the template's edit expects."""


class ForgeError(ExperimentError):
    """A GitHub call that failed; the message never carries the token."""

    def __init__(self, message: str, *, retriable: bool = False, status: int | None = None) -> None:
        super().__init__(message)
        self.retriable = retriable
        self.status = status
