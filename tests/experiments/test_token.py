"""The token: found in the usual places, and never in any output, journal, manifest,
PR or exception text, whatever fails."""

from __future__ import annotations

import json
import stat

from atlas.experiments.errors import ForgeError
from atlas.experiments.forge import Forge
from atlas.experiments.token import Secret, resolve_token

from .conftest import SAMPLE_MANIFEST, TOKEN, run_cli, write_catalog

MID = "exp-ranker-dwell-v2"


def test_token_order_github_token_then_gh_token_then_gh_cli(tmp_path):
    assert resolve_token({"GITHUB_TOKEN": "a-token", "GH_TOKEN": "b-token"}).source == "GITHUB_TOKEN"
    assert resolve_token({"GITHUB_TOKEN": " ", "GH_TOKEN": "b-token"}).value == "b-token"
    assert resolve_token({"PATH": str(tmp_path)}) is None  # no gh installed
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo gho_from_cli\n')
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    found = resolve_token({"PATH": str(tmp_path)})
    assert (found.value, found.source) == ("gho_from_cli", "gh auth token")
    assert "gho_from_cli" not in repr(found) and "gho_from_cli" not in str(found)


def test_connection_errors_never_carry_the_token():
    # even a URL that (wrongly) embeds the token is scrubbed from the error
    forge = Forge(Secret(TOKEN, "test"), f"http://127.0.0.1:9/{TOKEN}/api/v3", retries=0)
    try:
        forge.head_sha("nw-recs/serving", "main")
    except ForgeError as exc:
        assert TOKEN not in str(exc)
        assert "connection to 127.0.0.1:9 failed" in str(exc)
    else:
        raise AssertionError("expected a connection failure")


AMBIENT = "ghp_developersOWNtoken9876543210zyxwvuSECRET"


def test_token_appears_nowhere(emulator, tmp_path, gh, monkeypatch):
    # the developer's own token is in the environment too: it must not leak either
    monkeypatch.setenv("GITHUB_TOKEN", AMBIENT)
    catalog = write_catalog(tmp_path)
    env = {"ATLAS_GITHUB_BACKOFF": "0.01", "ATLAS_GITHUB_RETRIES": "1"}
    outputs = []

    def run(*args):
        result = run_cli(emulator, catalog, *args, env=env)
        outputs.append(result.output + result.stderr)
        if result.exception and not isinstance(result.exception, SystemExit):
            outputs.append(repr(result.exception))
        return result

    run("plan", MID)
    emulator.inject("500", method="POST", path_regex=r"/pulls$", times=2)  # > 1 retry
    failed = run("apply", MID)
    assert failed.exit_code == 1 and "apply stopped:" in failed.stderr
    run("apply", MID, "--rollback")
    assert run("apply", MID).exit_code == 0, outputs[-1]
    run("status", MID, "--json")
    run("verify", "--json")
    emulator.inject("502", method="PUT", times=2)
    assert run("merge", MID).exit_code == 1
    texts = outputs + [
        (catalog / "experiments" / SAMPLE_MANIFEST.name).read_text(),
        (tmp_path / ".atlas" / "journal" / f"{MID}.json").read_text(),
        json.dumps(emulator.state()),
        json.dumps([r.path for r in emulator.requests]),
    ]
    for repo in ("data-pipelines", "training", "serving"):
        for pr in gh.get_repo(f"nw-recs/{repo}").get_pulls(state="all"):
            texts.append(pr.body or "")
    leaks = [t for t in texts if TOKEN in t or AMBIENT in t]
    assert leaks == []
    assert any("still failing after retries" in t for t in outputs)
