"""Format-preserving edits of catalog files.

tomlkit keeps comments, blank lines, key order and quoting, so an edit atlas makes
(marking knowledge learned, recording an experiment's PRs) changes only the bytes of the
edited entity. Files are written atomically: a crash leaves the old file or the new one.

Every edit holds the file's lock (fsutil.locked) from the read to the rename and reads the
file under it, so two atlas processes editing one file keep both edits. The file's own
conventions survive: CRLF line endings (new lines too), a UTF-8 byte order mark, and a
symlink (the edit goes to its target).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from atlas.fsutil import LockTimeout, atomic_write_bytes, locked, read_regular

BOM = "\ufeff"
MAX_FILE_BYTES = 16 * 1024 * 1024  # the loader's limit: nothing bigger is a catalog file


class WritebackError(ValueError):
    """A catalog edit that cannot be made; the message names the file, table and id."""


@dataclass(frozen=True, slots=True)
class _Style:
    """How the file spells what tomlkit would spell its own way."""

    bom: bool = False
    crlf: bool = False

    def apply(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return ((BOM if self.bom else "") + text).encode("utf-8")


def _parse(path: Path):
    """(tomlkit document, the file's style)."""
    import tomlkit  # lazy: ~30 ms, only when something is written
    from tomlkit.exceptions import ParseError

    from atlas.bounded import InputLimitError, check_depth

    try:
        text = read_regular(path, MAX_FILE_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise WritebackError(f"{path}: file does not exist") from None
    except UnicodeDecodeError as exc:
        raise WritebackError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise WritebackError(f"{path}: cannot read: {exc.strerror or exc}") from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    # CRLF throughout: edit with LF and put the CRs back, new lines included; a file with
    # mixed endings is edited as it is (tomlkit keeps every existing byte)
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    try:
        doc = tomlkit.parse(text)
        check_depth(doc, str(path))
    except ParseError as exc:
        raise WritebackError(f"{path}: TOML syntax error: {exc}") from None
    except (RecursionError, InputLimitError):
        raise WritebackError(f"{path}: nested too deeply to edit") from None
    return doc, _Style(bom, crlf)


def _find(doc, path: Path, table: str, entity_id: str):
    entries = doc.get(table)
    if entries is None or not isinstance(entries, list):
        raise WritebackError(f"{path}: no [[{table}]] entries in this file")
    for entry in entries:
        if isinstance(entry, dict) and entry.get("id") == entity_id:
            return entry
    raise WritebackError(f'{path}: no [[{table}]] with id "{entity_id}"')


def edit_document(file: str | Path, change: Callable[[Any], None]) -> None:
    """Apply `change(doc)` to a whole TOML file (a manifest) the way every catalog edit is
    made: under the write lock from read to rename, re-read under it, its BOM and line
    endings kept, depth-bounded, written atomically. Raises WritebackError (one line)."""
    path = Path(file)
    with _lock(path):
        doc, style = _parse(path)
        change(doc)
        _save(path, doc.as_string(), style)


def edit_entity(file: str | Path, table: str, entity_id: str, updates: Callable[[Any], None]) -> None:
    """Apply `updates(entity_table)` to the [[table]] entry with this id and save atomically.

    `updates` receives the tomlkit table of the entity and edits it in place.
    """
    path = Path(file)
    with _lock(path):
        doc, style = _parse(path)  # read under the lock: another process may have just written
        entry = _find(doc, path, table, entity_id)
        updates(entry)
        _save(path, doc.as_string(), style)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """fsutil.locked, with a timeout or an unlockable directory as one WritebackError line."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked(path))
        except LockTimeout as exc:
            raise WritebackError(f"{path}: {exc.strerror}") from None
        except OSError as exc:
            raise WritebackError(f"{path}: cannot lock: {exc.strerror or exc}") from None
        yield


def _save(path: Path, text: str, style: _Style) -> None:
    try:
        atomic_write_bytes(path, style.apply(text))
    except OSError as exc:  # a read-only or vanished directory: one line, not a traceback
        raise WritebackError(f"{path}: cannot write: {exc.strerror or exc}") from None


def set_in_entity(file: str | Path, table: str, entity_id: str, dotted_path: list[str], value: Any) -> None:
    """Set entity[a][b]...[z] = value, creating sub-tables on the way when missing.

    A value of None removes the key (and nothing else).
    """
    if not dotted_path:
        raise WritebackError(f"{file}: {table} {entity_id}: empty field path")

    def update(entry: Any) -> None:
        import tomlkit
        from tomlkit.items import InlineTable

        node = entry
        created = None  # the outermost sub-table this edit adds
        for key in dotted_path[:-1]:
            child = node.get(key)
            if child is None:
                if value is None:
                    return
                if isinstance(node, InlineTable):  # handover = { ... }: stays one line
                    node[key] = tomlkit.inline_table()
                    child = node[key]
                else:
                    node[key] = tomlkit.table()
                    child = node[key]
                    created = created if created is not None else child
            elif not isinstance(child, dict):
                where = ".".join(dotted_path[: dotted_path.index(key) + 1])
                raise WritebackError(f"{file}: {table} {entity_id}: {where} is not a table")
            node = child
        last = dotted_path[-1]
        if value is None:
            if last in node:
                del node[last]
        else:
            _set_key(node, last, value)
        if created is not None:
            created.add(tomlkit.nl())  # keep a blank line before whatever header follows

    edit_entity(file, table, entity_id, update)


def _set_key(table: Any, key: str, value: Any) -> None:
    """table[key] = value; a new key goes right after the table's last key/value line.

    tomlkit appends at the very end of a table's body, i.e. after its trailing blank lines
    and comments, which usually belong to whatever follows (a comment above the next
    [[component]]). Inserting after the last real key keeps those where they are.
    """
    from tomlkit.container import Container
    from tomlkit.items import AoT, InlineTable, Table

    container = getattr(table, "value", None)
    if key in table or isinstance(table, InlineTable) or not isinstance(container, Container):
        table[key] = value
        return
    body = container.body
    last = None
    for i, (k, item) in enumerate(body):
        if k is not None and not isinstance(item, (Table, AoT)):
            last = i
    if last is None or last == len(body) - 1 or any(isinstance(item, (Table, AoT)) for _, item in body):
        table[key] = value  # empty table, nothing trailing, or sub-tables: tomlkit places it well
        return
    container._insert_at(last + 1, key, value)


def append_entity(file: str | Path, table: str, data: dict[str, Any]) -> None:
    """Append a new [[table]] entry (creating the file when needed), keeping the rest as is."""
    import tomlkit

    path = Path(file)
    with _lock(path):
        if path.exists():
            doc, style = _parse(path)
        else:
            doc, style = tomlkit.document(), _Style()
        _append(path, doc, style, table, data)


def _append(path: Path, doc: Any, style: _Style, table: str, data: dict[str, Any]) -> None:
    import tomlkit

    entity_id = data.get("id")
    entries = doc.get(table)
    if entries is None:
        entries = tomlkit.aot()
        doc.append(table, entries)
        entries = doc[table]
    elif not isinstance(entries, list):
        raise WritebackError(f"{path}: {table} is not an array of tables")
    if entity_id is not None and any(isinstance(e, dict) and e.get("id") == entity_id for e in entries):
        raise WritebackError(f'{path}: [[{table}]] with id "{entity_id}" already exists')
    if len(entries):
        entries[-1].add(tomlkit.nl())  # a blank line between the previous entry and the new one
    entries.append(data)
    _save(path, doc.as_string(), style)
