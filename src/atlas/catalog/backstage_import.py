"""Backstage import: read catalog-info.yaml documents (safely) and write catalog TOML
files, one per system plus teams.toml and projects.toml. Written atomically, and never over
an existing file unless asked (--force).

The mapping is the inverse of atlas.catalog.backstage's export; entities written for
Backstage by hand (no atlas/... annotations) get their kind from spec.type where it is a
known one, and a note asks a person to check what had to be guessed.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from atlas.catalog.backstage import ANN, RESOURCE_TYPES, COMPONENT_TYPES, SLUG, BackstageError
from atlas.catalog.model import KINDS
from atlas.bounded import InputLimitError, check_yaml, json_loads
from atlas.fsutil import NotRegularFile, atomic_write_text, read_regular

MAX_BACKSTAGE_BYTES = 256 * 1024 * 1024  # ~ 800,000 entities: anything bigger is not a catalog

# Backstage spec.type (ours, then common community ones) -> atlas kind, for import
_KIND_BY_TYPE: dict[str, str] = {
    **{v: k for k, v in RESOURCE_TYPES.items()},
    **{v: k for k, v in COMPONENT_TYPES.items()},
    "website": "grpc_service",
    "database": "bigquery_dataset",
    "bucket": "gcs_bucket",
    "s3-bucket": "gcs_bucket",
    "topic": "pubsub_topic",
    "kafka-topic": "pubsub_topic",
    "cluster": "gke_cluster",
    "cache": "redis_instance",
}


_NOT_ID = re.compile(r"[^a-z0-9_.-]+")


def _to_id(name: str) -> str:
    """A Backstage name as an atlas id (lowercase; other characters become '-')."""
    out = _NOT_ID.sub("-", str(name).strip().lower()).strip("-._")
    return out or "unnamed"


def parse_ref(ref: Any) -> tuple[str, str]:
    """'component:default/x' -> ('component', 'x'); 'x' -> ('', 'x')."""
    text = str(ref)
    kind, _, rest = text.rpartition(":") if ":" in text else ("", "", text)
    name = rest.rsplit("/", 1)[-1]
    return kind.lower(), _to_id(name)


@dataclass(slots=True)
class ImportResult:
    files: dict[Path, str] = field(default_factory=dict)  # target path -> TOML text
    notes: list[str] = field(default_factory=list)  # things a person should check
    counts: dict[str, int] = field(default_factory=dict)


_UNSAFE_TAG = re.compile(r"could not determine a constructor for the tag '(?:tag:yaml.org,2002:)?([^']+)'")


def read_documents(paths: Iterable[str | Path]) -> list[tuple[Path, int, dict]]:
    """(file, document number, document) for every mapping document; bad YAML raises.

    PyYAML's safe loader (libyaml, in C): 100,000 entities load in seconds, and a tag
    that would construct an object is refused (export keeps ruamel for its formatting)."""
    import yaml

    from atlas.bounded import safe_loader

    out = []
    for path in paths:
        p = Path(path)
        try:
            text = read_regular(p, MAX_BACKSTAGE_BYTES).decode("utf-8")
            check_yaml(text, str(p))  # depth and alias expansion, before anything walks it
        except InputLimitError as exc:
            raise BackstageError(str(exc)) from None
        except NotRegularFile as exc:  # a FIFO would block the read forever
            raise BackstageError(f"{p}: {exc.strerror}; Backstage files are YAML text") from None
        except UnicodeDecodeError as exc:
            raise BackstageError(f"{p}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
        except OSError as exc:
            raise BackstageError(f"{p}: cannot read: {exc.strerror or exc}") from None
        try:
            docs = list(yaml.load_all(text, Loader=safe_loader()))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            tag = _UNSAFE_TAG.search(problem)
            if tag:  # the safe loader refused a language-specific tag: say so, not "syntax"
                raise BackstageError(f"{p}{where}: YAML tag !!{tag.group(1)} is not allowed (Backstage files are "
                                     "plain data: remove the tag)") from None
            raise BackstageError(f"{p}{where}: YAML syntax error: {problem}") from None
        except RecursionError:  # check_yaml bounds depth; this is the belt to its braces
            raise BackstageError(f"{p}: nested too deeply") from None
        for n, doc in enumerate(docs, 1):
            if doc is None:
                continue
            if not isinstance(doc, dict):
                raise BackstageError(f"{p}: document {n}: expected a mapping, got {type(doc).__name__}")
            out.append((p, n, doc))
    return out


def _ann(meta: dict, key: str) -> str:
    value = _annotations(meta).get(ANN + key)
    return "" if value is None else str(value)


def _annotations(meta: dict) -> dict:
    annotations = meta.get("annotations")
    return annotations if isinstance(annotations, dict) else {}


def _refs(spec: dict, key: str, where: str, notes: list[str]) -> list[str]:
    """A Backstage list field (dependsOn, memberOf, tags): a lone string is one entry, not a
    sequence of characters; anything else that is not a list is reported and ignored."""
    value = spec.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list):
        notes.append(f"{where}: {key} should be a list, got {type(value).__name__}; ignored")
        return []
    out = []
    for item in value:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            out.append(str(item))
        else:
            notes.append(f"{where}: {key} entry {item!r:.60} is not a string; ignored")
    return out


def _json_map(text: str, where: str, notes: list[str]) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json_loads(text, where)
    except InputLimitError:
        notes.append(f"{where}: annotation nests too deeply; ignored")
        return {}
    except ValueError:
        notes.append(f"{where}: annotation is not JSON; ignored")
        return {}
    if not isinstance(value, dict):
        notes.append(f"{where}: annotation is not a JSON object; ignored")
        return {}
    return {str(k): str(v) for k, v in value.items()}


def import_documents(docs: list[tuple[Path, int, dict]], into: Path) -> ImportResult:
    """Map Backstage entities to catalog tables, one TOML file per system plus teams/projects."""
    result = ImportResult()
    notes = result.notes
    teams: dict[str, dict] = {}
    people: dict[str, dict] = {}
    systems: dict[str, dict] = {}
    components: dict[str, dict] = {}
    repos: dict[str, dict] = {}
    projects: dict[str, dict] = {}

    for path, n, doc in docs:
        kind = str(doc.get("kind", ""))
        meta = doc.get("metadata") or {}
        spec = doc.get("spec") or {}
        if not isinstance(meta, dict) or not isinstance(spec, dict) or not meta.get("name"):
            notes.append(f"{path}: document {n}: no metadata.name; skipped")
            continue
        if not isinstance(meta["name"], (str, int)) or isinstance(meta["name"], bool):
            notes.append(f"{path}: document {n}: metadata.name is not a string; skipped")
            continue
        eid = _to_id(meta["name"])
        where = f"{path}: {kind} {meta['name']}"
        if kind == "Group":
            profile = _profile(spec)
            team = {"id": eid, "name": profile.get("displayName", ""), "chat": _ann(meta, "chat"),
                    "oncall": _ann(meta, "oncall")}
            if _ann(meta, "new-owner") == "false":
                team["new_owner"] = False
            teams[eid] = team
        elif kind == "User":
            profile = _profile(spec)
            member_of = _refs(spec, "memberOf", where, notes)
            people[eid] = {"id": eid, "name": profile.get("displayName", ""),
                           "team": parse_ref(member_of[0])[1] if member_of else "",
                           "email": profile.get("email", ""), "chat": _ann(meta, "chat")}
        elif kind == "System":
            order = _ann(meta, "order")
            systems[eid] = {"id": eid, "name": meta.get("title", ""), "owner": _owner(spec, where, notes),
                            "project": _ann(meta, "project"), "order": int(order) if order.isdigit() else 0,
                            "description": meta.get("description", "")}
        elif kind in ("Component", "Resource"):
            components[eid] = _import_component(kind, eid, meta, spec, where, notes, repos)
        else:
            notes.append(f"{where}: kind {kind or '?'} has no atlas equivalent; skipped")
            continue
    named_signals = sorted({s for comp in components.values() for s in comp.get("signals", ())})
    if named_signals:
        notes.append("components name signal templates (" + ", ".join(named_signals) + "); Backstage does not "
                     "carry [[signal]] definitions: keep or copy the catalog's signals file")
    for comp in components.values():
        if comp.get("project"):
            projects.setdefault(comp["project"], {"id": comp["project"]})
    for system in systems.values():
        if system.get("project"):
            projects.setdefault(system["project"], {"id": system["project"]})

    by_system: dict[str, list[dict]] = {}
    for comp in sorted(components.values(), key=lambda c: c["id"]):
        by_system.setdefault(comp.get("system", ""), []).append(comp)

    header = "# Imported from Backstage by `atlas import backstage`.\n"
    if teams or people:
        result.files[into / "teams.toml"] = _toml(header, [("team", teams.values()), ("person", people.values())])
    if projects or repos:
        result.files[into / "projects.toml"] = _toml(header, [("project", projects.values()),
                                                              ("repo", repos.values())])
    for sid in sorted(set(systems) | set(by_system)):
        if not sid:
            continue
        sys_rows = [systems[sid]] if sid in systems else []
        result.files[into / "systems" / f"{sid}.toml"] = _toml(header, [("system", sys_rows),
                                                                        ("component", by_system.get(sid, []))])
    if "" in by_system:
        result.files[into / "components.toml"] = _toml(header, [("component", by_system[""])])
    result.counts = {"teams": len(teams), "people": len(people), "systems": len(systems),
                     "components": len(components), "repos": len(repos), "projects": len(projects)}
    return result


def _profile(spec: dict) -> dict:
    profile = spec.get("profile")
    return profile if isinstance(profile, dict) else {}


def _owner(spec: dict, where: str, notes: list[str]) -> str:
    owner = spec.get("owner")
    if not owner or owner == "unknown":
        return ""
    if not isinstance(owner, str):
        notes.append(f"{where}: owner {owner!s:.60} is not an entity reference; ignored")
        return ""
    kind, name = parse_ref(owner)
    if kind == "user":
        notes.append(f"{where}: owner {owner} is a user, atlas owners are teams; check it")
    return name


def _import_component(kind: str, eid: str, meta: dict, spec: dict, where: str, notes: list[str],
                      repos: dict[str, dict]) -> dict:
    atlas_kind = _ann(meta, "kind")
    if atlas_kind not in KINDS:
        stype = str(spec.get("type", ""))
        atlas_kind = _KIND_BY_TYPE.get(stype, "")
        if not atlas_kind:
            atlas_kind = "gcs_bucket" if kind == "Resource" else "grpc_service"
            notes.append(f'{where}: spec.type "{stype}" has no atlas kind; wrote kind = "{atlas_kind}", check it')
    comp: dict[str, Any] = {"id": eid, "kind": atlas_kind}
    if spec.get("system") and isinstance(spec["system"], str):
        comp["system"] = parse_ref(spec["system"])[1]
    owner = _owner(spec, where, notes)
    if owner:
        comp["owner"] = owner
    deps = [parse_ref(d)[1] for d in _refs(spec, "dependsOn", where, notes)]
    if deps:
        comp["depends_on"] = deps
    for key, ann in (("runbook", "runbook"), ("project", "project"), ("description", None),
                     ("schedule", "schedule"), ("mode", "mode")):
        value = meta.get("description", "") if ann is None else _ann(meta, ann)
        if value:
            comp[key] = value
    slug = str(_annotations(meta).get(SLUG, "") or "")
    if slug and "/" in slug:
        repo_id = _ann(meta, "repo") or _to_id(slug.rsplit("/", 1)[1])
        repos.setdefault(repo_id, {"id": repo_id, "github": slug})
        comp["repo"] = repo_id
    tier = _ann(meta, "tier")
    if tier.isdigit():
        comp["tier"] = int(tier)
    tags = _refs(meta, "tags", where, notes)
    if tags:
        comp["tags"] = tags
    signals = _ann(meta, "signals")
    if signals:
        comp["signals"] = signals.split(",")
    links = {str(link.get("title") or link.get("url")): str(link["url"])
             for link in (meta.get("links") if isinstance(meta.get("links"), list) else [])
             if isinstance(link, dict) and link.get("url")}
    if links:
        comp["links"] = links
    labels = _json_map(_ann(meta, "labels"), where + ": atlas/labels", notes)
    if labels:
        comp["labels"] = labels
    handover: dict[str, Any] = {}
    for key, ann in (("previous_owner", "previous-owner"), ("stage", "handover-stage"),
                     ("contact", "handover-contact")):
        if _ann(meta, ann):
            handover[key] = _ann(meta, ann)
    until = _ann(meta, "support-until")
    if until:
        try:
            handover["support_until"] = _dt.date.fromisoformat(until)
        except ValueError:
            notes.append(f'{where}: atlas/support-until "{until}" is not a date; ignored')
    knowledge = _json_map(_ann(meta, "knowledge"), where + ": atlas/knowledge", notes)
    if knowledge:
        handover["knowledge"] = knowledge
    if handover:
        comp["handover"] = handover
    return comp


def _toml(header: str, tables: list[tuple[str, Iterable[dict]]]) -> str:
    """New files from plain data. Written directly rather than through tomlkit, which
    costs ~0.6 ms a row (a minute for 100,000 entities): there is nothing to preserve in
    a file that does not exist yet. The layout is the one tomlkit gives (sub-tables after
    a row's keys, a blank line between tables); tomllib reads back exactly `tables`."""
    out = ["# " + header.strip().lstrip("# ") + "\n"]
    for name, rows in tables:
        for row in rows:
            row = {k: v for k, v in row.items() if v not in ("", None, [], {})}
            if row:
                out.append("\n[[" + name + "]]\n")
                _table_body(out, name, row)
    return "".join(out)


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(value: str) -> str:
    # a TOML basic string: JSON's escapes are TOML's, except that TOML also forbids a raw DEL
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + "}"
    return _string(str(value))


def _table_body(out: list[str], path: str, table: dict) -> None:
    subs = []
    for key, value in table.items():
        if isinstance(value, dict):
            subs.append((key, value))
        else:
            out.append(f"{_key(key)} = {_value(value)}\n")
    for key, value in subs:
        out.append(f"\n[{path}.{_key(key)}]\n")
        _table_body(out, f"{path}.{_key(key)}", value)


def write_import(result: ImportResult, force: bool = False) -> list[Path]:
    """Write every file of an import atomically; refuse (before writing anything) to
    overwrite an existing file unless force."""
    existing = [p for p in result.files if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in sorted(existing))
        raise BackstageError(f"would overwrite {names}; use --force to replace")
    for path, text in sorted(result.files.items()):
        atomic_write_text(path, text)
    return sorted(result.files)
