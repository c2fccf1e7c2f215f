"""Bad artifacts: each gives one line and never stops the other sources."""

from __future__ import annotations

import os
import shutil

from click.testing import CliRunner

from atlas.cli import cli
from atlas.discovery.files import MAX_BYTES, read_local
from atlas.discovery.run import discover_repos

from .conftest import SAMPLE_REPOS


def test_each_bad_file_is_one_line_and_the_good_ones_are_still_read(tmp_path):
    repo = tmp_path / "serving"
    shutil.copytree(SAMPLE_REPOS / "serving", repo)
    outside = tmp_path / "secret.yaml"
    outside.write_text("kind: Secret\n")
    (repo / "deploy" / "broken.yaml").write_text("kind: Deployment\nmetadata: {name: [unclosed\n")
    (repo / "dags").mkdir()
    (repo / "dags" / "bad_dag.py").write_text("from airflow import DAG\nwith DAG('x' as dag:\n")
    (repo / "deploy" / "blob.yaml").write_bytes(b"\x00\x01\x02binary\x00")
    os.symlink(outside, repo / "deploy" / "escape.yaml")
    (repo / "deploy" / "huge.yaml").write_text("# x\n" * (MAX_BYTES // 4 + 10))
    (repo / "terraform" / "broken.tf").write_text('resource "google_pubsub_topic" "t" {\n  name = \n')
    (repo / "deploy" / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))

    found = discover_repos([read_local(repo)])
    notes = found.notes
    def one(fragment: str) -> str:
        hits = [n for n in notes if fragment in n]
        assert len(hits) == 1, (fragment, notes)
        assert "\n" not in hits[0] and "Traceback" not in hits[0]
        return hits[0]

    assert "YAML syntax error" in one("broken.yaml")
    assert "Python syntax error" in one("bad_dag.py") and ":2:" in one("bad_dag.py")
    assert "binary" in one("blob.yaml")
    assert "points out of the repo" in one("escape.yaml")
    assert "byte limit" in one("huge.yaml")
    assert "HCL syntax error" in one("broken.tf")
    assert "not UTF-8" in one("latin1.yaml")
    # everything else was still discovered: manifests, the other Terraform files
    assert {"recs-api", "ranker-svc", "model-sync", "event-logger", "feature-cache"} <= set(found.components)
    assert ("ranker-svc", "recs-api") in found.edges


def test_the_command_prints_the_notes_and_still_answers(tmp_path):
    repo = tmp_path / "serving"
    shutil.copytree(SAMPLE_REPOS / "serving", repo)
    (repo / "deploy" / "broken.yaml").write_text("a: [\n")
    res = CliRunner().invoke(cli, ["discover", "--repo", str(repo), "--init", str(tmp_path / "draft")],
                             catch_exceptions=False)
    assert res.exit_code == 0
    assert "broken.yaml:2: YAML syntax error" in res.stderr or "broken.yaml" in res.stderr
    assert "Traceback" not in res.output


def test_a_missing_repo_folder_is_a_usage_error_not_a_traceback(tmp_path):
    res = CliRunner().invoke(cli, ["discover", "--repo", str(tmp_path / "nope" / "x" / "y"), "--init", str(tmp_path / "d")])
    assert res.exit_code == 2 and "not a folder and not OWNER/NAME" in res.output


def test_a_fifo_named_like_an_artifact_is_skipped_not_read(tmp_path):
    import threading

    repo = tmp_path / "serving"
    shutil.copytree(SAMPLE_REPOS / "serving", repo)
    fifo = repo / "deploy" / "pipe.yaml"
    os.mkfifo(fifo)

    def writer() -> None:  # a plain open+read would get this "file" (or block without a writer)
        try:
            with open(fifo, "w") as fh:
                fh.write("apiVersion: v1\nkind: Service\nmetadata: {name: planted}\n")
        except BrokenPipeError:  # never expected: the test holds a reader open until this ends
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        found = read_local(repo)
    finally:
        # a reader held open until the writer is done: its open returns whenever it comes
        # (a reader opened and closed before the writer's open would leave it blocked)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        thread.join()
        os.close(reader)
    assert "deploy/pipe.yaml" not in {f.path for f in found.files}
    assert [n for n in found.notes if "pipe.yaml" in n] == ["serving/deploy/pipe.yaml: skipped, is a FIFO (named pipe), "
                                                           "not a regular file"]


def test_a_yaml_alias_bomb_in_a_manifest_is_one_line(tmp_path):
    repo = tmp_path / "serving"
    shutil.copytree(SAMPLE_REPOS / "serving", repo)
    laughs = ['l0: &l0 ["feature-fetcher.recs.svc:50051","x","x","x","x","x","x","x","x"]']
    laughs += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    (repo / "deploy" / "bomb.yaml").write_text("\n".join(laughs) + "\napiVersion: apps/v1\nkind: Deployment\n"
                                               "metadata: {name: bomb}\nspec: {template: {spec: {containers: "
                                               "[{name: c, image: x, args: *l8}]}}}\n")
    found = discover_repos([read_local(repo)])
    [note] = [n for n in found.notes if "bomb.yaml" in n]
    assert note.startswith("serving/deploy/bomb.yaml: expands to more than 1,000,000 YAML nodes")
    assert {"recs-api", "ranker-svc"} <= set(found.components)  # the other manifests still read
