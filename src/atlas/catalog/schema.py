"""The JSON Schema of a catalog file, generated from the same field table the loader checks
with (fields.py), so editors and `atlas lint` agree on what a file may contain.

Draft-07: the version TOML editors (Taplo / Even Better TOML) understand.
"""

from __future__ import annotations

import json
from typing import Any

from atlas.catalog.fields import (
    BOOLEAN,
    DATE,
    INTEGER,
    NUMBER,
    SPECS,
    STRING,
    STRING_MAP,
    STRINGS,
    TABLE,
    TABLE_MAP,
    EntitySpec,
    Field,
)

PUBLISHED_PATH = "schema/atlas-catalog.schema.json"  # relative to the repository root


def _string(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if f.enum:
        out["enum"] = list(f.enum)
    if f.pattern:
        out["pattern"] = f.pattern
    return out


def field_schema(f: Field) -> dict[str, Any]:
    t = f.type
    if t == STRING:
        out = _string(f)
    elif t in (INTEGER, NUMBER):
        out = {"type": t}
        if f.minimum is not None:
            out["minimum"] = f.minimum
        if f.maximum is not None:
            out["maximum"] = f.maximum
    elif t == BOOLEAN:
        out = {"type": "boolean"}
    elif t == DATE:
        out = {"type": "string", "format": "date"}
    elif t == STRINGS:
        out = {"type": "array", "items": _string(f)}
    elif t == STRING_MAP:
        values: dict[str, Any] = {"type": "string"}
        if f.enum:
            values["enum"] = list(f.enum)
        out = {"type": "object", "additionalProperties": values}
    elif t == TABLE:
        out = table_schema(f.fields)
    elif t == TABLE_MAP:
        out = {"type": "object", "additionalProperties": table_schema(f.fields)}
    else:  # pragma: no cover - the field table only uses the types above
        raise ValueError(f"unknown field type {t}")
    if f.doc:
        out = {"description": f.doc, **out}
    return out


def table_schema(fields: tuple[Field, ...], open_: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "additionalProperties": open_,
    }
    required = [f.name for f in fields if f.required]
    if required:
        out["required"] = required
    return out


def entity_schema(spec: EntitySpec) -> dict[str, Any]:
    table = {"description": spec.doc, **table_schema(spec.fields, spec.open)}
    if not spec.many:
        return table
    return {"description": spec.doc, "type": "array", "items": table}


def catalog_schema() -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "atlas catalog file",
        "description": "One TOML file of an atlas catalog directory (see docs/catalog-format.md).",
        "type": "object",
        "properties": {spec.table: entity_schema(spec) for spec in SPECS},
        "additionalProperties": False,
    }


def schema_text() -> str:
    """The published file's exact content."""
    return json.dumps(catalog_schema(), indent=2) + "\n"
