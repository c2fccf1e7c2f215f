"""Limits on what a parser may build from a file atlas did not write.

A TOML, YAML or JSON file that nests thousands of levels deep exhausts Python's recursion
(a traceback, not a message); a 620-byte YAML "billion laughs" (aliases of aliases) expands
to billions of nodes and takes minutes of CPU for whoever walks it. Each check here turns
that into one InputLimitError line that names the file, before anything walks the data.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

MAX_DEPTH = 64  # the deepest real catalog, template or manifest value is ~6 levels
MAX_YAML_NODES = 20_000_000  # 100,000 Backstage entities are ~3.5 million
MAX_YAML_ALIASES = 10_000


class InputLimitError(ValueError):
    """One readable line: which file broke which limit."""


def _too_deep(what: str) -> InputLimitError:
    return InputLimitError(f"{what}: nested more than {MAX_DEPTH} levels deep (is it the right file?)")


def check_depth(data: Any, what: str, limit: int = MAX_DEPTH) -> None:
    """Raise when dicts/lists nest deeper than `limit`; iterative, so it cannot recurse."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if depth >= limit:
            raise _too_deep(what)
        stack.extend((child, depth + 1) for child in children)


def toml_loads(text: str, what: str) -> dict[str, Any]:
    """tomllib.loads with a depth limit; TOMLDecodeError passes through for the caller's wording."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise _too_deep(what) from None
    check_depth(data, what)
    return data


def json_loads(text: str, what: str) -> Any:
    """json.loads with a depth limit; ValueError (JSONDecodeError) passes through."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise _too_deep(what) from None
    check_depth(data, what)
    return data


def check_yaml(text: str, what: str, max_nodes: int = MAX_YAML_NODES) -> None:
    """Walk the YAML event stream (ruamel's parser is a state machine: no recursion) and
    refuse a document that nests too deep or whose aliases expand to too many nodes.

    PyYAML's parser is libyaml (C) when available: 100,000 entities parse in ~3 s, where
    ruamel's pure-Python parser needs over 40.

    Each anchor's expanded size is recorded when its node ends, so an alias counts as the
    whole subtree it stands for: exactly what a consumer walking the data would visit.
    YAML syntax errors are left to the loader that follows.
    """
    import yaml
    from yaml import AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent, ScalarEvent

    sizes: dict[str, int] = {}
    stack: list[list] = []  # [anchor, size so far] per open collection
    total = 0
    aliases = 0

    def add(n: int) -> None:
        nonlocal total
        if stack:
            stack[-1][1] += n
        else:
            total += n
        if total + sum(s for _, s in stack) > max_nodes:
            raise InputLimitError(f"{what}: expands to more than {max_nodes:,} YAML nodes "
                                  "(aliases of aliases?); refusing to load it")

    try:
        for event in yaml.parse(text, Loader=safe_loader()):
            if isinstance(event, DocumentStartEvent):
                sizes.clear()  # anchors do not cross documents
            elif isinstance(event, ScalarEvent):
                if event.anchor:
                    sizes[event.anchor] = 1
                add(1)
            elif isinstance(event, AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise InputLimitError(f"{what}: more than {MAX_YAML_ALIASES:,} YAML aliases; refusing to load it")
                add(sizes.get(event.anchor, 1))
            elif isinstance(event, CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise _too_deep(what)
                stack.append([event.anchor, 1])
            elif isinstance(event, CollectionEndEvent) and stack:
                anchor, size = stack.pop()
                if anchor:
                    sizes[anchor] = size
                add(size)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml's own limit (1000) came first
            raise _too_deep(what) from None
        return  # the loader reports the syntax error with its own position


_LOADER = None


def safe_loader():
    """PyYAML's safe loader, in C (libyaml) when the wheel has it: only plain data, any
    language-specific tag (!!python/object...) is an error, never a constructor call.

    Booleans as YAML 1.2 spells them (true/false only), as Backstage's own parser (the
    `yaml` npm package, YAML 1.2 core schema) reads them: `owner: no` stays the string "no".
    """
    global _LOADER
    if _LOADER is None:
        import re

        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        bool_tag = "tag:yaml.org,2002:bool"

        class Yaml12Loader(base):  # type: ignore[misc, valid-type]
            pass

        Yaml12Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag != bool_tag]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }
        Yaml12Loader.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                           list("tTfF"))
        _LOADER = Yaml12Loader
    return _LOADER
