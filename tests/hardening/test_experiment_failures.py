"""`atlas experiment` when GitHub is unreachable or refuses the token, and when the manifest
names what does not exist: one line a person can act on, never the token."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from atlas.cli import cli
from tests.experiments.conftest import SAMPLE_MANIFEST, TOKEN, write_catalog

from .conftest import assert_clean, closed_port

MID = "exp-ranker-dwell-v2"


@pytest.fixture(scope="module")
def emulator():
    from atlas.emulators.github import GitHubEmulator, load_seed
    from tests.experiments.conftest import SEED

    emu = GitHubEmulator(load_seed(SEED), token=TOKEN)
    emu.start()
    yield emu
    emu.stop()


def experiment(catalog, *args, api_url: str, token: str = TOKEN):
    env = {"GITHUB_API_URL": api_url, "GITHUB_TOKEN": token, "GH_TOKEN": "",
           "ATLAS_GITHUB_RETRIES": "0", "ATLAS_GITHUB_BACKOFF": "0.01"}
    return CliRunner().invoke(cli, ["experiment", args[0], "--catalog", str(catalog), *args[1:]], env=env)


@pytest.mark.parametrize("verb", ["plan", "apply"])
def test_github_at_a_closed_port_says_connection_refused_and_where_to_look(tmp_path, verb):
    port = closed_port()
    # a URL that (wrongly) carries the token as userinfo must not leak it either
    url = f"http://x-access-token:{TOKEN}@127.0.0.1:{port}/api/v3"
    result = experiment(write_catalog(tmp_path), verb, MID, api_url=url)
    assert_clean(result, 1)
    assert (f"nw-recs/data-pipelines: read branch main: connection to 127.0.0.1:{port} failed "
            "(connection refused; check GITHUB_API_URL, or start `atlas emulator` for the demo)") in result.output
    assert "NewConnectionError" not in result.output and "HTTPConnection(" not in result.output
    assert TOKEN not in result.output


def test_a_rejected_token_names_its_source_not_its_value(tmp_path, emulator):
    bad = "ghp_wrongTOKENvalue0123456789"
    result = experiment(write_catalog(tmp_path), "plan", MID, api_url=emulator.base_url, token=bad)
    assert_clean(result, 1)
    assert ("GitHub answered 401: Bad credentials (the token from GITHUB_TOKEN was rejected: set a valid one)"
            in result.output)
    assert bad not in result.output


def test_an_unknown_template_lists_the_known_ones(tmp_path, emulator):
    text = SAMPLE_MANIFEST.read_text().replace('template = "ranker"', 'template = "zz-top"')
    result = experiment(write_catalog(tmp_path, manifest_text=text), "plan", MID, api_url=emulator.base_url)
    assert_clean(result, 1)
    assert "template: unknown template 'zz-top' (known: ranker)" in result.output


def test_a_manifest_that_is_not_utf8_is_one_line(tmp_path, emulator):
    manifest = tmp_path / "exp.toml"
    manifest.write_bytes(b'id = "caf\xe9"\n')
    result = experiment(write_catalog(tmp_path), "plan", str(manifest), api_url=emulator.base_url)
    assert_clean(result, 1)
    assert result.output.strip() == f"atlas: {manifest}: not UTF-8 text (byte 9); save it as UTF-8"


def test_a_manifest_path_that_is_a_device_is_refused_not_read(tmp_path, emulator):
    result = experiment(write_catalog(tmp_path), "plan", "/dev/zero", api_url=emulator.base_url)
    assert_clean(result, 1)
    assert result.output.strip() == "atlas: /dev/zero: not a regular file; a manifest is a TOML file"
