"""The published JSON Schema is current, and it agrees with the loader."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from atlas.catalog.loader import load_catalog
from atlas.catalog.model import KINDS
from atlas.catalog.schema import PUBLISHED_PATH, catalog_schema, schema_text
from atlas.cli import cli

REPO = Path(__file__).resolve().parents[2]


def test_published_schema_file_is_up_to_date():
    published = REPO / PUBLISHED_PATH
    assert published.read_text(encoding="utf-8") == schema_text(), "run: atlas schema --output " + PUBLISHED_PATH


def test_schema_command_prints_and_checks(tmp_path):
    r = CliRunner().invoke(cli, ["schema"])
    assert r.exit_code == 0 and json.loads(r.output) == catalog_schema()
    out = tmp_path / "s.json"
    assert CliRunner().invoke(cli, ["schema", "--output", str(out)]).exit_code == 0
    assert CliRunner().invoke(cli, ["schema", "--check", str(out)]).exit_code == 0
    out.write_text("{}\n")
    r = CliRunner().invoke(cli, ["schema", "--check", str(out)])
    assert r.exit_code == 1 and "out of date" in r.output


# A validator for the subset of JSON Schema that schema.py emits, so the test needs no
# extra package. TOML dates arrive as datetime.date and count as format "date" strings.
def errors(schema: dict, value, path: str = "") -> list[str]:
    t = schema.get("type")
    ok = {
        "object": isinstance(value, dict), "array": isinstance(value, list), "boolean": isinstance(value, bool),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "string": isinstance(value, str) or (schema.get("format") == "date" and type(value) is dt.date),
    }.get(t, True)
    if not ok:
        return [f"{path}: type"]
    out = []
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: enum")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{path}: pattern")
    if "minimum" in schema and value < schema["minimum"] or "maximum" in schema and value > schema["maximum"]:
        out.append(f"{path}: range")
    if t == "array":
        for i, item in enumerate(value):
            out += errors(schema["items"], item, f"{path}[{i}]")
    if t == "object":
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}.{key}: required")
        for key, item in value.items():
            if key in props:
                out += errors(props[key], item, f"{path}.{key}")
            elif extra is False:
                out.append(f"{path}.{key}: additional")
            elif isinstance(extra, dict):
                out += errors(extra, item, f"{path}.{key}")
    return out


def test_documented_examples_pass_both_the_schema_and_the_loader(tmp_path):
    """Every ```toml block of docs/catalog-format.md is valid for the schema and the loader."""
    doc = (REPO / "docs" / "catalog-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.S)
    assert len(blocks) >= 6
    schema = catalog_schema()
    root = tmp_path / "catalog"
    root.mkdir()
    for i, block in enumerate(blocks):
        assert errors(schema, tomllib.loads(block)) == [], block
        (root / f"doc{i}.toml").write_text(block)
    result = load_catalog(root)
    # the snippets name each other's ids only partly; what matters: no type/key/value errors
    assert [p.format() for p in result.problems if p.code not in ("unknown-reference", "runbook-missing")] == []


def test_schema_and_loader_reject_the_same_mistakes(tmp_path):
    schema = catalog_schema()
    cases = {
        "wrong-type": {"component": [{"id": "a", "kind": "model", "tier": "1"}]},
        "unknown-kind": {"component": [{"id": "a", "kind": "modle"}]},
        "bad-id": {"team": [{"id": "Data Eng"}]},
        "missing-field": {"repo": [{"id": "r"}]},
        "unknown-key": {"component": [{"id": "a", "kind": "model", "ownr": "x"}]},
        "bad-value": {"component": [{"id": "a", "kind": "model", "handover": {"stage": "shadow"}}]},
    }
    import tomlkit

    for code, data in cases.items():
        assert errors(schema, data), code
        root = tmp_path / code / "catalog"
        root.mkdir(parents=True)
        (root / "x.toml").write_text(tomlkit.dumps(data))
        assert code in {p.code for p in load_catalog(root).problems}, code
    assert schema["properties"]["component"]["items"]["properties"]["kind"]["enum"] == list(KINDS)
