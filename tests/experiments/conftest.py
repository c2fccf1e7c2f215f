"""Shared fixtures: the sample template, the seed repos' files, small catalogs in tmp."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from atlas.catalog.model import Repo
from atlas.experiments.manifest import load_manifest
from atlas.experiments.template_parse import load_templates_file

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TEMPLATES = ROOT / "catalog" / "experiment-templates.toml"
SAMPLE_MANIFEST = ROOT / "catalog" / "experiments" / "exp-ranker-dwell-v2.toml"
RUNNING_MANIFESTS = [ROOT / "catalog" / "experiments" / f"{m}.toml" for m in ("exp-ranker-wide-v1", "exp-ranker-item-age")]
SEED = ROOT / "scenarios" / "repos"
REPO_IDS = ("data-pipelines", "training", "serving")
FILES = {
    "data-pipelines": "config/features.toml",
    "training": "pipelines/ranker/variants.yaml",
    "serving": "deploy/ranker-svc/experiments.json",
}
TOKEN = "ghp_atlasTESTtoken0123456789abcdefSECRET"


@pytest.fixture(scope="session")
def templates():
    found, errors = load_templates_file(SAMPLE_TEMPLATES)
    assert errors == []
    return found


@pytest.fixture
def manifest(templates):
    return load_manifest(SAMPLE_MANIFEST, templates)


@pytest.fixture(scope="session")
def repos():
    return {r: Repo(r, f"nw-recs/{r}") for r in REPO_IDS}


class DictReader:
    """A RepoReader over {github: {path: text}}: the pure tests' stand-in for GitHub."""

    def __init__(self, files: dict[str, dict[str, str]]) -> None:
        self.files = files

    def head_sha(self, github: str, branch: str) -> str:
        return "b" * 40

    def read_file(self, github: str, path: str, ref: str):
        return self.files.get(github, {}).get(path)


@pytest.fixture
def seed_files():
    return {f"nw-recs/{r}": {FILES[r]: (SEED / "nw-recs" / r / FILES[r]).read_text()} for r in REPO_IDS}


@pytest.fixture
def reader(seed_files):
    return DictReader(seed_files)


def write_catalog(tmp_path: Path, manifest_text: str | None = None, templates_text: str | None = None,
                  running: bool = True) -> Path:
    """A small catalog: three repos, the ranker template, and the sample manifest (with
    `running`, also the manifests of the two running experiments the seed repos carry)."""
    cat = tmp_path / "catalog"
    (cat / "experiments").mkdir(parents=True)
    (cat / "atlas.toml").write_text('[atlas]\nname = "exp-test"\n')
    repos = "".join(
        f'[[repo]]\nid = "{r}"\ngithub = "nw-recs/{r}"\ndefault_branch = "main"\n\n' for r in REPO_IDS
    )
    (cat / "projects.toml").write_text(repos)
    (cat / "experiment-templates.toml").write_text(templates_text or SAMPLE_TEMPLATES.read_text())
    if manifest_text is None:
        shutil.copy(SAMPLE_MANIFEST, cat / "experiments" / SAMPLE_MANIFEST.name)
    else:
        (cat / "experiments" / SAMPLE_MANIFEST.name).write_text(manifest_text)
    # the seed repos carry the sample's two running experiments: their manifests account for them
    for path in RUNNING_MANIFESTS if running else ():
        shutil.copy(path, cat / "experiments" / path.name)
    return cat


# ---------------------------------------------------------------------------- GitHub emulator


@pytest.fixture(scope="session")
def seed():
    from atlas.emulators.github import load_seed

    return load_seed(SEED)


@pytest.fixture
def emulator(seed):
    from atlas.emulators.github import GitHubEmulator

    emu = GitHubEmulator(seed, token=TOKEN)
    emu.start()
    yield emu
    emu.stop()


def make_forge(emu, **kwargs):
    from atlas.experiments.forge import Forge
    from atlas.experiments.token import Secret

    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("secondary_rate_wait", 0.01)
    return Forge(Secret(TOKEN, "test"), emu.base_url, **kwargs)


@pytest.fixture
def forge(emulator):
    return make_forge(emulator)


@pytest.fixture
def gh(emulator):
    """A plain PyGithub client on the emulator, for checking what atlas did."""
    from github import Auth, Github

    return Github(auth=Auth.Token(TOKEN), base_url=emulator.base_url, seconds_between_requests=0,
                  seconds_between_writes=0, retry=None)


@pytest.fixture
def tmp_path(tmp_path):
    """Workspaces on tmpfs when there is one: the apply journal fsyncs every step, which on
    a disk costs more than the whole HTTP exchange with the emulator."""
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="atlas-exp-") as d:
            yield Path(d)
    else:
        yield tmp_path


@pytest.fixture
def catalog_dir(tmp_path):
    return write_catalog(tmp_path)


def run_cli(emu, catalog: Path, *args: str, env: dict | None = None):
    from click.testing import CliRunner

    from atlas.cli import cli

    full_env = {"GITHUB_API_URL": emu.base_url, "GITHUB_TOKEN": TOKEN, "GH_TOKEN": ""}
    full_env.update(env or {})
    return CliRunner().invoke(cli, ["experiment", args[0], "--catalog", str(catalog), *args[1:]], env=full_env)


WRITES = ("POST", "PATCH", "PUT", "DELETE")


def writes_since(emu, start: int) -> list:
    return [r for r in emu.requests[start:] if r.method in WRITES]


REVIEWER_TOKEN = "ghp_reviewerTOKEN0123456789abcdefREVIEW"


def approve_all(emu, branch: str, repos=None) -> None:
    """A second account approves every open PR of `branch` (authors cannot approve their own)."""
    from github import Auth, Github

    emu.add_user("reviewer-ana", REVIEWER_TOKEN)
    rev = Github(auth=Auth.Token(REVIEWER_TOKEN), base_url=emu.base_url, seconds_between_requests=0,
                 seconds_between_writes=0, retry=None)
    names = repos or [name for name in emu.state()["repos"]]
    for name in names:
        for pr in rev.get_repo(name).get_pulls(state="open"):
            if pr.head.ref == branch:
                pr.create_review(event="APPROVE")
