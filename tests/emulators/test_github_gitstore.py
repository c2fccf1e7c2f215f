"""The emulator's git object store on its own (pure, no sockets): hashing, history, merging."""

from __future__ import annotations

from atlas.emulators.github.gitstore import FILE_MODE, GitStore, Signature

SIG = Signature("A U Thor", "author@example.com", "2026-01-15T09:00:00Z", 1768467600)


def commit(store: GitStore, files: dict[str, str], parents: list[str], msg: str = "m") -> str:
    flat = {p: (FILE_MODE, store.put_blob(t.encode())) for p, t in files.items()}
    return store.put_commit(store.write_flat_tree(flat), parents, SIG, SIG, msg)


def test_object_ids_are_gits_own():
    store = GitStore()
    assert store.put_blob(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object
    assert store.write_flat_tree({}) == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree


def test_nested_paths_round_trip_through_trees():
    store = GitStore()
    flat = {"a/b/c.txt": (FILE_MODE, store.put_blob(b"c")), "a/d.txt": (FILE_MODE, store.put_blob(b"d")),
            "top": (FILE_MODE, store.put_blob(b"t"))}
    tree = store.write_flat_tree(flat)
    assert store.flatten(tree) == flat
    assert store.lookup(tree, "a/b").type == "tree" and store.lookup(tree, "a/x") is None


def test_three_way_merge_takes_each_sides_change_and_reports_real_conflicts():
    store = GitStore()
    base = commit(store, {"pipeline.toml": "p0", "training.yaml": "t0", "serving.json": "s0"}, [])
    ours = commit(store, {"pipeline.toml": "p1", "training.yaml": "t0", "serving.json": "s0"}, [base])
    theirs = commit(store, {"pipeline.toml": "p0", "training.yaml": "t1", "serving.json": "s0",
                            "new.md": "n"}, [base])
    assert store.merge_base(ours, theirs) == base
    merged, conflicts = store.three_way(base, ours, theirs)
    assert conflicts == []
    blobs = {p: store.blobs[sha].decode() for p, (_, sha) in merged.items()}
    assert blobs == {"pipeline.toml": "p1", "training.yaml": "t1", "serving.json": "s0", "new.md": "n"}
    clash = commit(store, {"pipeline.toml": "p2", "training.yaml": "t0", "serving.json": "s0"}, [base])
    assert store.three_way(base, ours, clash)[1] == ["pipeline.toml"]


def test_history_between_commits_oldest_first():
    store = GitStore()
    a = commit(store, {"f": "1"}, [])
    b = commit(store, {"f": "2"}, [a])
    c = commit(store, {"f": "3"}, [b])
    assert store.commits_between(a, c) == [b, c]
    assert store.is_ancestor(a, c) and not store.is_ancestor(c, a)
