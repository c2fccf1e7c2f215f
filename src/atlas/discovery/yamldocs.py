"""Multi-document YAML, loaded safely, with the line each mapping starts on."""

from __future__ import annotations

from atlas.discovery.files import MAX_BYTES, TextFile

# Every node takes at least two bytes of text, so a file within MAX_BYTES has fewer nodes
# than this unless aliases expand it.
MAX_NODES = MAX_BYTES


def load_documents(file: TextFile, notes: list[str]) -> list:
    """The file's documents (round-trip loader: no object construction, keeps line numbers);
    a syntax error is one note and no documents."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from atlas.bounded import InputLimitError, check_yaml

    try:  # aliases of aliases: 600 bytes that the sources would walk for minutes
        check_yaml(file.text, file.where(), max_nodes=MAX_NODES)
    except InputLimitError as exc:
        notes.append(f"{exc}")
        return []
    yaml = YAML(typ="rt")
    try:
        return [d for d in yaml.load_all(file.text) if d is not None]
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        notes.append(f"{file.where()}{line}: YAML syntax error: {problem}")
        return []
    except Exception as exc:  # ruamel raises a few non-YAMLError types on odd input
        notes.append(f"{file.where()}: cannot parse YAML: {type(exc).__name__}")
        return []


def line_of(node, key=None) -> int:
    """1-based line of a mapping (or of one of its keys); 0 when unknown."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return 0
    try:
        if key is not None:
            return lc.key(key)[0] + 1
        return lc.line + 1
    except (KeyError, TypeError, AttributeError):
        return 0


def get(node, *path, default=None):
    for key in path:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node):
            node = node[key]
        else:
            return default
        if node is None:
            return default
    return node
