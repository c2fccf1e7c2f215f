"""Files atlas keeps for the user: an unreadable apply journal is kept aside, not
overwritten; a failed write names the file the user asked for."""

from __future__ import annotations

import json

import pytest

from atlas.experiments.journal import Journal, journal_path
from atlas.fsutil import atomic_write_text


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", "\udcff"])
def test_an_unreadable_journal_is_kept_beside_the_new_one(tmp_path, text):
    path = journal_path(tmp_path, "exp-b")
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    journal = Journal.load(path, "exp-b")
    assert journal.data["steps"] == []
    journal.save()
    kept = [p for p in path.parent.iterdir() if p.name.startswith("exp-b.json.unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == text.encode("utf-8", "surrogateescape")
    assert json.loads(path.read_text())["experiment"] == "exp-b"


def test_a_failed_write_names_the_target_not_the_temp_file(tmp_path):
    target = tmp_path / "schema.json"
    target.mkdir()
    with pytest.raises(OSError) as info:
        atomic_write_text(target, "{}")
    assert info.value.filename == str(target)
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]  # no temp file left behind


def test_a_new_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    import os

    from atlas.fsutil import atomic_write_text

    old = os.umask(0o077)
    try:
        atomic_write_text(tmp_path / "plan.md", "private\n")
    finally:
        os.umask(old)
    assert (tmp_path / "plan.md").stat().st_mode & 0o777 == 0o600
    shared = tmp_path / "shared.toml"
    shared.write_text("x\n")
    shared.chmod(0o664)
    atomic_write_text(shared, "y\n")
    assert shared.stat().st_mode & 0o777 == 0o664
