"""Line numbers for problems.

tomllib gives no positions, so a problem gets its line afterwards: the line of the
entity's `id = "..."`, or of the field's key after it. Only files that have problems are
read again, and each of them once, so a clean catalog pays nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from atlas.catalog.problems import Problem

_ID_LINE = re.compile(r"""^\s*id\s*=\s*["']([^"']*)["']""")


class _FileIndex:
    def __init__(self, path: Path) -> None:
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []
        self.ids: dict[str, list[int]] = {}
        for i, text in enumerate(self.lines):
            m = _ID_LINE.match(text)
            if m:
                self.ids.setdefault(m.group(1), []).append(i)

    def find(self, p: Problem) -> int | None:
        table, _, eid = p.entity.partition(" ")
        hits = self.ids.get(eid)
        if not hits:
            return None
        # a duplicate is reported on its second definition
        start = hits[-1] if p.code == "duplicate-id" else hits[0]
        if p.field:
            key = p.field.split("[")[0].rsplit(".", 1)[-1]
            key_rx = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
            for i in range(start, len(self.lines)):
                text = self.lines[i].lstrip()
                if i > start and text.startswith("[[") and not text.startswith(f"[[{table}."):
                    break  # the next entity
                if key_rx.match(text):
                    return i + 1
        return start + 1


def with_lines(problems: list[Problem]) -> list[Problem]:
    """The same problems, with `line` filled in where it can be found."""
    files: dict[Path, _FileIndex] = {}
    out = []
    for p in problems:
        if p.line is None and p.file is not None and p.entity and " " in p.entity:
            index = files.get(p.file)
            if index is None:
                index = files[p.file] = _FileIndex(p.file)
            line = index.find(p)
            if line is not None:
                p = replace(p, line=line)
        out.append(p)
    return out
