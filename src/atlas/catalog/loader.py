"""Load a catalog directory: parse every TOML file with tomllib, check it in one pass,
build the model, and return every problem found (never raise for bad input)."""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from atlas.bounded import MAX_DEPTH, InputLimitError, toml_loads
from atlas.catalog import build
from atlas.catalog.fields import SPEC_BY_TABLE
from atlas.catalog.locate import with_lines
from atlas.catalog.model import Catalog
from atlas.catalog.problems import Problem
from atlas.catalog.cycles import find_cycles
from atlas.catalog.validate import Checker, RunbookChecker, describe, did_you_mean

# Subdirectory of the catalog that holds experiment manifests, not entities.
EXPERIMENTS_DIR = "experiments"

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(slots=True)
class LoadResult:
    catalog: Catalog  # best effort, even with errors
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def catalog_files(root: Path) -> list[Path]:
    """Every *.toml under root, sorted, skipping hidden entries and root/experiments/."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        top = dirpath == str(root)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (top and d == EXPERIMENTS_DIR))
        for name in filenames:
            if name.endswith(".toml") and not name.startswith("."):
                found.append(Path(dirpath, name))
    found.sort()
    return found


def load_catalog(catalog_dir: str | Path) -> LoadResult:
    """Read, check and build the catalog in one pass; every problem is collected.

    Never raises for bad input: a missing directory is one error Problem, a broken file
    is reported and the others still load, a bad value is reported and left at its default.
    """
    root = Path(catalog_dir).absolute()
    catalog = Catalog(root=root, workspace=root.parent)
    result = LoadResult(catalog)
    checker = Checker()
    try:
        is_dir = root.is_dir()
        what = "is not a directory" if root.exists() else "does not exist"
    except OSError as exc:  # a name too long for the file system, a loop of links...
        is_dir, what = False, f"cannot be read ({exc.strerror or exc})"
    if not is_dir:
        checker.error("catalog-missing", f"catalog directory {catalog_dir} {what}", None,
                      hint="run atlas in the workspace that holds catalog/, or pass --catalog DIR "
                           "or set ATLAS_CATALOG")
        result.problems = checker.problems
        return result

    result.files = catalog_files(root)
    if not result.files:
        checker.warning("empty-catalog", f"no *.toml files in {catalog_dir}", None)
    builder = build.CatalogBuilder(catalog, checker)
    for path in result.files:
        data = _parse(path, checker)
        if data is not None:
            _load_document(path, data, builder, checker)

    builder.finish()
    checker.resolve_refs(builder.known_ids())
    _check_runbooks(catalog, checker)
    _check_cycles(catalog, checker)
    problems = with_lines(checker.problems)
    problems.sort(key=lambda p: (str(p.file or ""), p.line or 0))
    result.problems = problems
    return result


# A catalog file is hand-written text: anything this big is a mistake (a data dump, a
# binary), and reading it whole would stall every command.
MAX_FILE_BYTES = 16 * 1024 * 1024


def _parse(path: Path, checker: Checker) -> dict | None:
    try:
        st = path.stat()
        # a FIFO or device named *.toml would block the read forever
        if not stat.S_ISREG(st.st_mode):
            checker.error("unreadable", "not a regular file (remove it or rename it away from *.toml)", path)
            return None
        if st.st_size > MAX_FILE_BYTES:
            checker.error("too-large", f"file is {st.st_size // (1024 * 1024)} MB; catalog files are text of at "
                                       f"most {MAX_FILE_BYTES // (1024 * 1024)} MB (is it the right file?)", path)
            return None
        text = path.read_bytes().decode("utf-8")
        if text.startswith("\ufeff"):
            # tomllib rejects a byte order mark ("Invalid statement" at line 1, and every
            # team in the file then "unknown"): say what it is, and load the rest
            checker.warning("bom", "starts with a UTF-8 byte order mark (BOM); other TOML tools reject it",
                            path, hint="save the file as UTF-8 without BOM")
            text = text[1:]
    except UnicodeDecodeError as exc:
        checker.error("encoding", f"not UTF-8 text (byte {exc.start})", path)
        return None
    except OSError as exc:
        checker.error("unreadable", f"cannot read file: {exc.strerror}", path)
        return None
    try:
        return toml_loads(text, str(path))
    except InputLimitError:
        checker.error("too-deep", f"values nested more than {MAX_DEPTH} levels deep (is it the right file?)", path)
        return None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_POSITION.search(message)
        line = int(m.group(1)) if m else None
        message = _TOML_POSITION.sub("", message).strip()
        if m:
            message += f" (column {m.group(2)})"
        checker.error("toml-syntax", f"TOML syntax error: {message}", path, line=line)
        return None


def _load_document(path: Path, data: dict, builder: "build.CatalogBuilder", checker: Checker) -> None:
    for table, value in data.items():
        spec = SPEC_BY_TABLE.get(table)
        if spec is None:
            checker.warning("unknown-key", f'unknown table "{table}" (ignored)', path, field=table,
                            hint=did_you_mean(table, SPEC_BY_TABLE))
            continue
        if not spec.many:
            if type(value) is not dict:
                checker.error("wrong-type", f"expected a table [{table}], got {describe(value)}", path, field=table)
                continue
            checker.check_entity(spec, value, path, table)
            builder.add(spec, value, path, table)
            continue
        if type(value) is not list:
            checker.error("wrong-type", f"expected an array of tables [[{table}]], got {describe(value)}",
                          path, field=table)
            continue
        for n, raw in enumerate(value, 1):
            if type(raw) is not dict:
                checker.error("wrong-type", f"expected a table, got {describe(raw)}", path, f"{table} #{n}")
                continue
            eid = raw.get("id")
            if type(eid) is str and eid:
                # an id with spaces or control characters is quoted, so the line stays one line
                entity = f"{table} {eid}" if eid.isprintable() and " " not in eid else f"{table} {json.dumps(eid)}"
            else:
                entity = f"{table} #{n}"
            checker.check_entity(spec, raw, path, entity)
            builder.add(spec, raw, path, entity)


RUNBOOK_CODES = ("runbook-missing", "runbook-path")


def recheck_runbooks(catalog: Catalog, problems: list[Problem]) -> list[Problem]:
    """`problems` with the runbook findings made again: the runbook files live outside the
    catalog (a loaded catalog kept in the start-up cache must not say a runbook written
    since is missing, or miss one deleted since)."""
    checker = Checker()
    _check_runbooks(catalog, checker)
    fresh = with_lines(checker.problems)
    kept = [p for p in problems if p.code not in RUNBOOK_CODES]
    return sorted(kept + fresh, key=lambda p: (str(p.file or ""), p.line or 0))


def _check_runbooks(catalog: Catalog, checker: Checker) -> None:
    runbooks = RunbookChecker(catalog.workspace)
    for comp in catalog.components.values():
        if not comp.runbook:
            continue
        found = runbooks.check(comp.runbook)
        if found is not None:
            severity, message = found
            code = "runbook-missing" if severity == "warning" else "runbook-path"
            getattr(checker, severity)(code, message, comp.source, f"component {comp.id}", "runbook")


def _check_cycles(catalog: Catalog, checker: Checker) -> None:
    deps = {cid: c.depends_on for cid, c in catalog.components.items()}
    for cycle in find_cycles(deps):
        first = catalog.components[cycle[0]]
        checker.error("cycle", "dependency cycle: " + " -> ".join(cycle), first.source,
                      f"component {first.id}", "depends_on", "remove one of these depends_on entries")
