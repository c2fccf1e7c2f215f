"""A repository's git objects: blobs, trees and commits, hashed exactly as git hashes them.

Real hashing keeps SHAs deterministic (the same seed gives the same commit ids on every run)
and makes a head-sha guard mean what it means on GitHub. Trees are nested like git's; most
callers work on a flat ``{path: (mode, blob_sha)}`` view and let ``write_flat_tree`` rebuild.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterator

FILE_MODE = "100644"
EXEC_MODE = "100755"
LINK_MODE = "120000"
TREE_MODE = "040000"
BLOB_MODES = {FILE_MODE, EXEC_MODE, LINK_MODE}

FlatTree = dict[str, tuple[str, str]]  # path -> (mode, blob sha)


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: str  # ISO 8601, UTC, "2026-01-15T09:00:00Z"
    timestamp: int


@dataclass(frozen=True)
class TreeEntry:
    name: str
    mode: str
    type: str  # "blob" | "tree"
    sha: str


@dataclass(frozen=True)
class GitCommit:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Signature
    committer: Signature
    message: str


@dataclass
class GitStore:
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, tuple[TreeEntry, ...]] = field(default_factory=dict)
    commits: dict[str, GitCommit] = field(default_factory=dict)

    # -- writing objects -------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        sha = _hash(b"blob", data)
        self.blobs.setdefault(sha, data)
        return sha

    def put_tree(self, entries: list[TreeEntry]) -> str:
        # git sorts tree entries by name, comparing a subtree's name as if it ended in "/".
        ordered = tuple(sorted(entries, key=lambda e: e.name + ("/" if e.type == "tree" else "")))
        body = b"".join(
            f"{e.mode.lstrip('0')} {e.name}".encode() + b"\0" + bytes.fromhex(e.sha) for e in ordered
        )
        sha = _hash(b"tree", body)
        self.trees.setdefault(sha, ordered)
        return sha

    def put_commit(
        self, tree: str, parents: list[str], author: Signature, committer: Signature, message: str
    ) -> str:
        lines = [f"tree {tree}"] + [f"parent {p}" for p in parents]
        lines.append(f"author {_sig_line(author)}")
        lines.append(f"committer {_sig_line(committer)}")
        body = ("\n".join(lines) + "\n\n" + message).encode()
        sha = _hash(b"commit", body)
        self.commits.setdefault(
            sha, GitCommit(sha, tree, tuple(parents), author, committer, message)
        )
        return sha

    # -- reading ---------------------------------------------------------------------------

    def flatten(self, tree_sha: str, prefix: str = "") -> FlatTree:
        out: FlatTree = {}
        for entry in self.trees[tree_sha]:
            path = prefix + entry.name
            if entry.type == "tree":
                out.update(self.flatten(entry.sha, path + "/"))
            else:
                out[path] = (entry.mode, entry.sha)
        return out

    def write_flat_tree(self, flat: FlatTree) -> str:
        """Build nested trees for a flat path map; returns the root tree's sha."""
        children: dict[str, FlatTree] = {}
        entries: list[TreeEntry] = []
        for path, (mode, sha) in flat.items():
            head, sep, rest = path.partition("/")
            if sep:
                children.setdefault(head, {})[rest] = (mode, sha)
            else:
                entries.append(TreeEntry(head, mode, "blob", sha))
        for name, sub in children.items():
            entries.append(TreeEntry(name, TREE_MODE, "tree", self.write_flat_tree(sub)))
        return self.put_tree(entries)

    def walk_tree(self, tree_sha: str, prefix: str = "") -> Iterator[tuple[str, TreeEntry]]:
        """Every entry below a tree, subtrees included, as (full path, entry)."""
        for entry in self.trees[tree_sha]:
            path = prefix + entry.name
            yield path, entry
            if entry.type == "tree":
                yield from self.walk_tree(entry.sha, path + "/")

    def lookup(self, tree_sha: str, path: str) -> TreeEntry | None:
        """The entry at ``path`` below a tree ("" is the tree itself)."""
        entry = TreeEntry("", TREE_MODE, "tree", tree_sha)
        for part in [p for p in path.strip("/").split("/") if p]:
            if entry.type != "tree":
                return None
            entry = next((e for e in self.trees[entry.sha] if e.name == part), None)
            if entry is None:
                return None
        return entry

    # -- history ---------------------------------------------------------------------------

    def ancestors(self, sha: str) -> dict[str, int]:
        """Every commit reachable from ``sha`` (itself included) -> distance in commits."""
        seen = {sha: 0}
        frontier = [sha]
        while frontier:
            nxt = []
            for c in frontier:
                for p in self.commits[c].parents:
                    if p not in seen:
                        seen[p] = seen[c] + 1
                        nxt.append(p)
            frontier = nxt
        return seen

    def is_ancestor(self, maybe_ancestor: str, sha: str) -> bool:
        return maybe_ancestor in self.ancestors(sha)

    def merge_base(self, a: str, b: str) -> str | None:
        theirs = self.ancestors(b)
        ours = self.ancestors(a)
        common = [c for c in ours if c in theirs]
        if not common:
            return None
        return min(common, key=lambda c: (ours[c] + theirs[c], c))

    def commits_between(self, base: str, head: str) -> list[str]:
        """Commits reachable from head but not from base, oldest first."""
        excluded = self.ancestors(base)
        ahead = self.ancestors(head)
        picked = [c for c in ahead if c not in excluded]
        return sorted(picked, key=lambda c: (-ahead[c], self.commits[c].committer.timestamp))

    def three_way(self, base: str | None, ours: str, theirs: str) -> tuple[FlatTree, list[str]]:
        """Merge two commits' trees path by path; returns (merged flat tree, conflicting paths)."""
        o = self.flatten(self.commits[ours].tree)
        t = self.flatten(self.commits[theirs].tree)
        b = self.flatten(self.commits[base].tree) if base else {}
        merged: FlatTree = {}
        conflicts: list[str] = []
        for path in sorted(set(o) | set(t) | set(b)):
            bo, oo, to = b.get(path), o.get(path), t.get(path)
            if oo == to:
                pick = oo
            elif oo == bo:
                pick = to
            elif to == bo:
                pick = oo
            else:
                conflicts.append(path)
                pick = oo
            if pick is not None:
                merged[path] = pick
        return merged, conflicts


def _hash(kind: bytes, body: bytes) -> str:
    return hashlib.sha1(kind + b" " + str(len(body)).encode() + b"\0" + body).hexdigest()


def _sig_line(sig: Signature) -> str:
    return f"{sig.name} <{sig.email}> {sig.timestamp} +0000"
